namespace Respond.Server.Storage;

/// <summary>
/// Finds the repository checkout (the folder holding <c>Respond.sln</c>) so that relative paths such as
/// <c>.respond/</c> and <c>playbooks/</c> mean the same thing however the server is started.
/// </summary>
public static class RepositoryRoot
{
    private const string SolutionFileName = "Respond.sln";

    /// <summary>Walks up from <paramref name="startDirectory"/> looking for a folder holding Respond.sln; null when not in a checkout.</summary>
    public static string? Find(string startDirectory)
    {
        if (string.IsNullOrWhiteSpace(startDirectory))
        {
            return null;
        }

        DirectoryInfo? directory;
        try
        {
            directory = new DirectoryInfo(Path.GetFullPath(startDirectory));
        }
        catch (Exception e) when (e is ArgumentException or IOException or NotSupportedException or UnauthorizedAccessException)
        {
            return null;
        }

        for (; directory is not null; directory = directory.Parent)
        {
            try
            {
                if (File.Exists(Path.Combine(directory.FullName, SolutionFileName)))
                {
                    return directory.FullName;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // An unreadable ancestor is not a checkout; keep walking up.
            }
        }

        return null;
    }

    /// <summary>
    /// Relative paths resolve against the repository root (searched from the current directory, then from
    /// <see cref="AppContext.BaseDirectory"/>) when running from a checkout, else against
    /// <paramref name="contentRoot"/>. Absolute paths are returned as they are.
    /// </summary>
    public static string Resolve(string path, string contentRoot) =>
        Resolve(path, contentRoot, [Directory.GetCurrentDirectory(), AppContext.BaseDirectory]);

    internal static string Resolve(string path, string contentRoot, IEnumerable<string> searchFrom)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(contentRoot);
        ArgumentNullException.ThrowIfNull(searchFrom);

        if (Path.IsPathRooted(path))
        {
            return path;
        }

        var root = searchFrom.Select(Find).FirstOrDefault(found => found is not null) ?? contentRoot;
        return Path.GetFullPath(Path.Combine(root, path));
    }
}
