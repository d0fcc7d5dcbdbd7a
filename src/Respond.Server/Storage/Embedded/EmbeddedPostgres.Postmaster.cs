using System.Diagnostics;
using System.Globalization;

namespace Respond.Server.Storage.Embedded;

/// <summary>Starting the postmaster, finding one already running, and reading its log when it fails.</summary>
public sealed partial class EmbeddedPostgres
{
    private static int StartPostmaster(Layout layout, string binFolder, string? runUser, ILogger logger)
    {
        RemoveStalePidFile(layout, logger);
        var port = ChoosePort(layout, logger);
        var pgCtl = PostgresBinaries.Executable(binFolder, "pg_ctl");
        var clock = Stopwatch.StartNew();
        var portChanges = 0;
        var waitedForOrphans = false;
        while (true)
        {
            var logOffset = LogLength(layout);
            var result = RunAs(runUser, pgCtl,
                ["-D", layout.Data, "-l", layout.LogFile, "-w", "-t", "60", "-o", $"-p {port.ToString(CultureInfo.InvariantCulture)}", "start"],
                PgCtlTimeout, layout.Root);
            if (result.ExitCode == 0)
            {
                logger.LogInformation("Started private PostgreSQL on 127.0.0.1:{Port} from {DataDirectory}", port, layout.Data);
                return port;
            }

            // pg_ctl gave up waiting but the postmaster is alive (e.g. a long crash recovery): let the readiness wait decide.
            if (RunningPostmaster(layout) is { } postmaster)
            {
                logger.LogInformation("Private PostgreSQL is starting on 127.0.0.1:{Port} (pid " +
                    "{Pid}); pg_ctl stopped waiting for it", postmaster.Port, postmaster.Pid);
                return postmaster.Port;
            }

            var attemptLog = LogTail(layout, logOffset);
            if (clock.Elapsed < TimeSpan.FromSeconds(60))
            {
                if (portChanges < 5 && !IsPortFree(port))
                {
                    var taken = port;
                    port = FreePort();
                    portChanges++;
                    RememberPort(layout, port);
                    logger.LogInformation("Port {OldPort} was taken by another process; " +
                        "the private PostgreSQL now uses 127.0.0.1:{Port}", taken, port);
                    continue;
                }

                // After a crash, the dead postmaster's orphaned backends hold its shared memory for a moment.
                if (attemptLog.Contains("shared memory block", StringComparison.Ordinal)
                    || attemptLog.Contains("lock file", StringComparison.Ordinal))
                {
                    if (!waitedForOrphans)
                    {
                        waitedForOrphans = true;
                        logger.LogInformation("Waiting for the processes of the previous " +
                            "(crashed) private PostgreSQL to exit before starting it again");
                    }

                    Thread.Sleep(250);
                    RemoveStalePidFile(layout, logger);
                    continue;
                }
            }

            throw new EmbeddedPostgresException(
                $"The private PostgreSQL under {layout.Data} did not start (pg_ctl exit code {result.ExitCode}: {result.Output}). " +
                $"Last lines of {layout.LogFile}:{Environment.NewLine}{(attemptLog.Length > 0 ? attemptLog : LogTail(layout))}");
        }
    }

    private readonly record struct Postmaster(int Pid, int Port);

    // The postmaster recorded in data/postmaster.pid, when that process is alive and is a PostgreSQL server of this data folder.
    private static Postmaster? RunningPostmaster(Layout layout)
    {
        var lines = ReadPidFile(layout.PidFile);
        if (lines is null || lines.Length < 4
            || !int.TryParse(lines[0].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            || !int.TryParse(lines[3].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            return null;
        }

        return IsPostmasterOf(pid, lines) ? new Postmaster(pid, port) : null;
    }

    private static bool IsPostmasterOf(int pid, string[] pidFileLines)
    {
        if (!IsAlive(pid))
        {
            return false;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            if (!string.Equals(process.ProcessName, "postgres", StringComparison.Ordinal))
            {
                return false;
            }
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false;
        }

        if (OperatingSystem.IsLinux())
        {
            // The postmaster runs in its data folder: its own postmaster.pid must be the one we read.
            var theirs = ReadPidFile($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cwd/postmaster.pid");
            if (theirs is not null)
            {
                return theirs.Length >= 3 && theirs[0] == pidFileLines[0] && theirs[1] == pidFileLines[1] && theirs[2] == pidFileLines[2];
            }

            // Unreadable (another user's process without privileges): trust the process name.
        }

        return true;
    }

    private static string[]? ReadPidFile(string path)
    {
        try
        {
            if (!File.Exists(path))
            {
                return null;
            }

            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd().Split('\n');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    // A postmaster.pid whose postmaster is gone (after a crash) is stale. PostgreSQL removes it itself when the pid is free, but
    // refuses to start while that pid answers: a crashed postmaster not yet reaped (zombie), or a pid reused by another
    // process after a reboot or container restart. RunningPostmaster has ruled out a live postmaster of this folder.
    private static void RemoveStalePidFile(Layout layout, ILogger logger)
    {
        var lines = ReadPidFile(layout.PidFile);
        if (lines is null || RunningPostmaster(layout) is not null)
        {
            return;
        }

        var pid = int.TryParse(lines[0].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;
        logger.LogInformation("Removing the stale postmaster.pid of the private PostgreSQL " +
            "(pid {Pid} is not running it); it did not shut down cleanly", pid);
        File.Delete(layout.PidFile);
    }

    // A zombie (exited, not yet reaped by its parent or init) counts as gone.
    internal static bool IsAlive(int pid)
    {
        if (OperatingSystem.IsLinux())
        {
            try
            {
                var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
                var state = stat.AsSpan(stat.LastIndexOf(')') + 1).TrimStart();
                return state.Length > 0 && state[0] is not ('Z' or 'X' or 'x');
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return false;
            }
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static long LogLength(Layout layout)
    {
        try
        {
            return File.Exists(layout.LogFile) ? new FileInfo(layout.LogFile).Length : 0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    // The last lines of postgres.log, or of what was written to it after byte offset `since`.
    private static string LogTail(Layout layout, long since = -1)
    {
        try
        {
            if (!File.Exists(layout.LogFile))
            {
                return since < 0 ? "(no log)" : "";
            }

            using var stream = new FileStream(layout.LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            stream.Seek(Math.Max(Math.Max(0, since), stream.Length - 4096), SeekOrigin.Begin);
            using var reader = new StreamReader(stream);
            var lines = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            return string.Join(Environment.NewLine, lines.TakeLast(15));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"(log unreadable: {e.Message})";
        }
    }
}
