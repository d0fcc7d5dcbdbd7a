namespace Respond.Server.Auth;

public static class Roles
{
    public const string Viewer = "viewer";
    public const string Responder = "responder";
    public const string Approver = "approver";
    public const string Author = "author";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Viewer, Responder, Approver, Author, Admin];

    /// <summary>Every role includes viewer; admin includes all others. Unknown names are dropped.</summary>
    public static IReadOnlySet<string> Expand(IEnumerable<string> granted)
    {
        var known = granted.Select(r => r.Trim().ToLowerInvariant()).Where(All.Contains).ToHashSet();
        if (known.Count == 0)
        {
            return known;
        }

        return known.Contains(Admin) ? All.ToHashSet() : [.. known, Viewer];
    }
}
