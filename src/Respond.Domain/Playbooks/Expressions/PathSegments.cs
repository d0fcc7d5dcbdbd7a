namespace Respond.Domain.Playbooks.Expressions;

/// <summary>
/// How a value rendered into a URL path (an action's <c>path</c> input) is written: as one path segment, so a
/// value cannot climb out of its segment (<c>/</c>, <c>..</c>), start a query (<c>?</c>) or a fragment (<c>#</c>).
/// </summary>
public static class PathSegments
{
    /// <summary>The input whose rendered values are escaped as path segments.</summary>
    public const string PathInput = "path";

    /// <summary><see cref="Uri.EscapeDataString(string)"/>, with a value of only dots escaped too (a URL would read it as a dot segment).</summary>
    public static string Escape(string value)
    {
        var escaped = Uri.EscapeDataString(value);
        return escaped is "." or ".." ? escaped.Replace(".", "%2E", StringComparison.Ordinal) : escaped;
    }
}
