using System.Globalization;

namespace Respond.Server.Storage.Embedded;

/// <summary>Locates the machine's installed PostgreSQL server binaries (initdb, pg_ctl, postgres).</summary>
public static class PostgresBinaries
{
    private const string DebianRoot = "/usr/lib/postgresql";

    /// <summary>
    /// The folder holding initdb, pg_ctl and postgres: first a folder on PATH that has initdb and pg_ctl
    /// (symbolic links are followed to the real bin folder), then <c>pg_config --bindir</c>, then the newest
    /// <c>/usr/lib/postgresql/*/bin</c>. Null when none is found.
    /// </summary>
    public static string? Find() =>
        FromPath(Environment.GetEnvironmentVariable("PATH"))
        ?? FromPgConfig()
        ?? FromDebianLayout(DebianRoot);

    internal static string? FromPath(string? pathVariable)
    {
        if (string.IsNullOrEmpty(pathVariable))
        {
            return null;
        }

        foreach (var entry in pathVariable.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            try
            {
                var folder = Path.GetFullPath(entry);
                if (!File.Exists(Executable(folder, "initdb")) || !File.Exists(Executable(folder, "pg_ctl")))
                {
                    continue;
                }

                // /usr/local/bin/initdb is often a link to /usr/lib/postgresql/NN/bin/initdb: pg_ctl finds postgres
                // next to its own real file, so the real folder is the one to use.
                var real = RealFile(Executable(folder, "initdb"));
                var realFolder = Path.GetDirectoryName(real);
                if (realFolder is not null && IsComplete(realFolder))
                {
                    return realFolder;
                }

                if (IsComplete(folder))
                {
                    return folder;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                // An unreadable or malformed PATH entry is skipped.
            }
        }

        return null;
    }

    internal static string? FromPgConfig()
    {
        try
        {
            var result = ChildProcess.Run("pg_config", ["--bindir"], TimeSpan.FromSeconds(10));
            if (result.ExitCode != 0)
            {
                return null;
            }

            var folder = result.StandardOutput.Trim();
            return folder.Length > 0 && IsComplete(folder) ? Path.GetFullPath(folder) : null;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException or InvalidOperationException or TimeoutException)
        {
            // pg_config is not installed (or not runnable): try the next source.
            return null;
        }
    }

    internal static string? FromDebianLayout(string root)
    {
        try
        {
            if (!Directory.Exists(root))
            {
                return null;
            }

            return Directory.EnumerateDirectories(root)
                .Select(version => (Version: ParseVersion(Path.GetFileName(version)), Bin: Path.Combine(version, "bin")))
                .Where(candidate => candidate.Version is not null && IsComplete(candidate.Bin))
                .OrderByDescending(candidate => candidate.Version)
                .Select(candidate => candidate.Bin)
                .FirstOrDefault();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    internal static string Executable(string folder, string name) =>
        Path.Combine(folder, OperatingSystem.IsWindows() ? name + ".exe" : name);

    private static bool IsComplete(string folder) =>
        File.Exists(Executable(folder, "initdb"))
        && File.Exists(Executable(folder, "pg_ctl"))
        && File.Exists(Executable(folder, "postgres"));

    private static string RealFile(string path)
    {
        var target = new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true);
        return target is null ? path : Path.GetFullPath(target.FullName);
    }

    // "15" -> 15.0, "9.6" -> 9.6; anything that is not a dotted number is ignored.
    private static Version? ParseVersion(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return null;
        }

        var parts = name.Split('.');
        var numbers = new int[Math.Max(parts.Length, 2)];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out numbers[i]))
            {
                return null;
            }
        }

        return numbers.Length switch
        {
            2 => new Version(numbers[0], numbers[1]),
            3 => new Version(numbers[0], numbers[1], numbers[2]),
            _ => new Version(numbers[0], numbers[1], numbers[2], numbers[3]),
        };
    }
}
