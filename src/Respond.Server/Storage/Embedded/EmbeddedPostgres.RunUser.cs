using System.Diagnostics;

namespace Respond.Server.Storage.Embedded;

/// <summary>PostgreSQL refuses root: as root the cluster runs as the postgres user, which must reach the folder.</summary>
public sealed partial class EmbeddedPostgres
{
    internal static bool IsRoot()
    {
        if (OperatingSystem.IsWindows())
        {
            return false;
        }

        try
        {
            // "Uid:\treal\teffective\tsaved\tfs"
            if (File.Exists("/proc/self/status"))
            {
                var uid = File.ReadLines("/proc/self/status").FirstOrDefault(line => line.StartsWith("Uid:", StringComparison.Ordinal));
                var fields = uid?.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                if (fields is { Length: >= 3 })
                {
                    return fields[2] == "0";
                }
            }
        }
        catch (IOException)
        {
            // Fall back to the user name below.
        }

        return string.Equals(Environment.UserName, "root", StringComparison.Ordinal);
    }

    private static void EnsureRunUserExists()
    {
        ProcessResult result;
        try
        {
            result = Run("id", ["-u", SystemUser], TimeSpan.FromSeconds(10), workingDirectory: null);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return; // No id(1): runuser will report a missing user itself.
        }

        if (result.ExitCode != 0)
        {
            throw new EmbeddedPostgresException(
                "PostgreSQL refuses to run as root and this machine has no 'postgres' user to run the private cluster " +
                "as; run the server as a normal user, create that user, or set ConnectionStrings__Respond.");
        }
    }

    // Every folder above the data root must be traversable by postgres (e.g. /root is often 0700).
    private static void EnsureTraversable(string dataRoot, ILogger logger)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        for (var folder = Directory.GetParent(dataRoot); folder is not null; folder = folder.Parent)
        {
            var mode = File.GetUnixFileMode(folder.FullName);
            if (!mode.HasFlag(UnixFileMode.OtherExecute))
            {
                File.SetUnixFileMode(folder.FullName, mode | UnixFileMode.OtherExecute);
                logger.LogInformation("Made {Folder} traversable (o+x) so the postgres user can reach {DataRoot}", folder.FullName, dataRoot);
            }
        }
    }

    private static ProcessResult RunAs(
        string? runUser, string executable, IReadOnlyList<string> arguments, TimeSpan timeout, string workingDirectory) =>
        runUser is null
            ? Run(executable, arguments, timeout, workingDirectory)
            : Run(RunUserTool(), ["-u", runUser, "--", executable, .. arguments], timeout, workingDirectory);

    internal static string RunUserTool() =>
        new[] { "/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser", "/bin/runuser" }.FirstOrDefault(File.Exists)
        ?? throw new EmbeddedPostgresException(
            "PostgreSQL refuses to run as root and runuser (util-linux) was not found to run it as the " +
            "postgres user; run the server as a normal user or set ConnectionStrings__Respond.");

    private static ProcessResult Run(string executable, IReadOnlyList<string> arguments, TimeSpan timeout, string? workingDirectory) =>
        ChildProcess.Run(executable, arguments, timeout, workingDirectory);
}
