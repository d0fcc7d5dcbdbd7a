using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Respond.Server.Storage.Embedded;

namespace Respond.Server.Connectors.Kinds.PostgresStandby;

/// <summary>Stopping the copy, deleting its folder, and reaping the copies of a Respond that died mid-drill.</summary>
internal sealed partial class StandbyCopy
{
    private const string OwnerFile = "owner";

    // A folder without its owner file may be one another drill is creating right now.
    private static readonly TimeSpan UnownedGrace = TimeSpan.FromMinutes(10);

    private void StopAndDelete()
    {
        try
        {
            Stop();
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or Win32Exception or UnauthorizedAccessException)
        {
            logger.LogWarning("Could not stop failover drill copy {Copy} cleanly ({Error}); its processes were killed", Name, e.GetType().Name);
        }

        DeleteFolder();
    }

    private void Stop()
    {
        if (postmaster is { } server)
        {
            var clock = Stopwatch.StartNew();
            // A server that has not written its postmaster.pid yet is still starting: nothing to shut down cleanly.
            if (!server.HasExited && ReadPostmasterPid(DataFolder) is not null)
            {
                // Fast shutdown: sessions end and the copy stops; killed when that takes longer than a few seconds.
                using var stop = DrillProcess.Start(Tool("pg_ctl"), ["-D", DataFolder, "-m", "fast", "-w", "-t", "5", "stop"],
                    settings.RunUser, new Dictionary<string, string>());
                if (!stop.WaitForExit(FastShutdown + TimeSpan.FromSeconds(2)))
                {
                    stop.KillTree();
                }

                if (!server.WaitForExit(FastShutdown))
                {
                    logger.LogWarning("Failover drill copy {Copy} did not stop within {Seconds} s; killing it", Name, FastShutdown.TotalSeconds);
                }
            }

            server.KillTree();
            server.WaitForExit(FastShutdown);
            server.Dispose();
            postmaster = null;
            logger.LogInformation("Failover drill copy {Copy} stopped in {ElapsedMs:0} ms", Name, clock.Elapsed.TotalMilliseconds);
        }

        KillPostmasterOf(DataFolder);
    }

    private void DeleteFolder()
    {
        for (var attempt = 1; Directory.Exists(Folder); attempt++)
        {
            try
            {
                Directory.Delete(Folder, recursive: true);
            }
            catch (Exception e) when ((e is IOException or UnauthorizedAccessException) && attempt < 20)
            {
                // A process that was just killed may still be letting go of its files.
                Thread.Sleep(100);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                logger.LogWarning("Could not delete failover drill folder {Folder} ({Error}); the next drill tries again",
                    Folder, e.GetType().Name);
                return;
            }
        }
    }

    /// <summary>Stops and deletes the copies whose Respond process is gone (it crashed or was killed mid-drill).</summary>
    private static void ReapAbandoned(string scratchRoot, ILogger logger)
    {
        try
        {
            if (!Directory.Exists(scratchRoot))
            {
                return;
            }

            foreach (var folder in Directory.EnumerateDirectories(scratchRoot, FolderPrefix + "*"))
            {
                var owner = Owner.Read(Path.Combine(folder, OwnerFile));
                var abandoned = owner is null
                    ? DateTime.UtcNow - Directory.GetCreationTimeUtc(folder) > UnownedGrace
                    : !owner.Value.IsAlive();
                if (abandoned)
                {
                    logger.LogInformation("Removing failover drill folder {Folder} left by a Respond process that is gone", folder);
                    KillPostmasterOf(Path.Combine(folder, "data"));
                    Directory.Delete(folder, recursive: true);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or Win32Exception)
        {
            logger.LogWarning("Could not remove an abandoned failover drill folder under {Root} ({Error})", scratchRoot, e.GetType().Name);
        }
    }

    private static void KillPostmasterOf(string dataFolder)
    {
        if (ReadPostmasterPid(dataFolder) is not { } pid || !EmbeddedPostgres.IsAlive(pid))
        {
            return;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            if (process.ProcessName != "postgres")
            {
                return; // The pid was reused by something else.
            }

            process.Kill(entireProcessTree: true);
            process.WaitForExit(FastShutdown);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or Win32Exception or AggregateException)
        {
            // Gone meanwhile.
        }
    }

    private static int? ReadPostmasterPid(string dataFolder)
    {
        try
        {
            using var stream = new FileStream(Path.Combine(dataFolder, "postmaster.pid"), FileMode.Open, FileAccess.Read,
                FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            return int.TryParse(reader.ReadLine(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The Respond process that made a folder: its pid and start time, so a reused pid is never taken for it.</summary>
    private readonly record struct Owner(int Pid, long StartedTicks)
    {
        public static Owner Current()
        {
            using var self = Process.GetCurrentProcess();
            return new Owner(self.Id, self.StartTime.ToUniversalTime().Ticks);
        }

        public static Owner? Read(string path)
        {
            try
            {
                var parts = File.ReadAllText(path).Split(' ', StringSplitOptions.TrimEntries);
                return parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                    && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                    ? new Owner(pid, ticks) : null;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return null;
            }
        }

        public bool IsAlive()
        {
            if (!EmbeddedPostgres.IsAlive(Pid))
            {
                return false;
            }

            try
            {
                using var process = Process.GetProcessById(Pid);
                return Math.Abs(process.StartTime.ToUniversalTime().Ticks - StartedTicks) < TimeSpan.TicksPerSecond;
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or Win32Exception)
            {
                return false;
            }
        }

        public override string ToString() =>
            $"{Pid.ToString(CultureInfo.InvariantCulture)} {StartedTicks.ToString(CultureInfo.InvariantCulture)}";
    }
}
