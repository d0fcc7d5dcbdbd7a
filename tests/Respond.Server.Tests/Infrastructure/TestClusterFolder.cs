using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Respond.Server.Storage.Embedded;

namespace Respond.Server.Tests.Infrastructure;

/// <summary>
/// A temp folder <c>/tmp/respond-test-&lt;random&gt;</c> for a private test cluster (in <see cref="DataRoot"/>). It records the
/// owning process so a later run can stop and delete clusters left by a run that was killed.
/// </summary>
public sealed class TestClusterFolder : IDisposable
{
    private const string Prefix = "respond-test-";
    private const string OwnerFile = "owner";

    private TestClusterFolder(string path) => Path = path;

    public string Path { get; }

    public string DataRoot => System.IO.Path.Combine(Path, "postgres");

    public static TestClusterFolder Create()
    {
        var path = System.IO.Path.Combine(TempRoot(), Prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)));
        Directory.CreateDirectory(path);
        TestRunLedger.ClusterFolder(path);
        File.WriteAllText(System.IO.Path.Combine(path, OwnerFile), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        StartWatchdog(path);
        return new TestClusterFolder(path);
    }

    // `dotnet test` does not wait for ProcessExit handlers (microsoft/vstest#1900) and a test host may be killed: a detached
    // shell waits for this process to end, then stops the folder's postmaster and deletes the folder. It ends by itself as
    // soon as the folder is gone.
    private static void StartWatchdog(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var owner = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        var script = $$"""
            (
              while kill -0 {{owner}} 2>/dev/null && [ -d '{{path}}' ]; do sleep 0.5; done
              if [ -d '{{path}}' ]; then
                for f in $(find '{{path}}' -name postmaster.pid 2>/dev/null); do
                  pid=$(head -n 1 "$f" 2>/dev/null)
                  if [ -n "$pid" ] && [ "$(cat /proc/$pid/comm 2>/dev/null)" = postgres ]; then
                    kill -INT "$pid" 2>/dev/null
                    i=0
                    while st=$(cut -d ' ' -f 3 /proc/$pid/stat 2>/dev/null) && [ -n "$st" ] && [ "$st" != Z ]; do
                      if [ $i -ge 100 ]; then kill -KILL "$pid" 2>/dev/null; break; fi
                      sleep 0.2; i=$((i+1))
                    done
                  fi
                done
                rm -rf '{{path}}'
              fi
            ) </dev/null >/dev/null 2>&1 &
            """;
        try
        {
            using var shell = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", script]) { UseShellExecute = false });
            shell?.WaitForExit(5000);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No shell: ProcessExit and the reaper of the next run still clean up.
        }
    }

    /// <summary>Stops any postmaster still running in the folder, then deletes it.</summary>
    public void Dispose()
    {
        try
        {
            if (Directory.Exists(Path))
            {
                foreach (var pidFile in Directory.EnumerateFiles(Path, "postmaster.pid", SearchOption.AllDirectories))
                {
                    StopLeftoverPostmaster(System.IO.Path.GetDirectoryName(System.IO.Path.GetDirectoryName(pidFile))!);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort; the watchdog and the reaper try again.
        }

        try
        {
            if (Directory.Exists(Path))
            {
                Directory.Delete(Path, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A file still in use or not ours: the watchdog or the reaper of a later run deletes it.
        }
    }

    /// <summary>Stops and deletes test clusters whose owning test process is gone.</summary>
    public static void ReapAbandoned()
    {
        try
        {
            foreach (var folder in Directory.EnumerateDirectories(TempRoot(), Prefix + "*"))
            {
                var owner = System.IO.Path.Combine(folder, OwnerFile);
                if (File.Exists(owner)
                    && int.TryParse(File.ReadAllText(owner).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                    && !IsAlive(pid))
                {
                    new TestClusterFolder(folder).Dispose();
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Reaping is a courtesy.
        }
    }

    /// <summary>The postmaster pid recorded in <c>data/postmaster.pid</c> when that process is alive and is a postgres.</summary>
    public static int? PostmasterPid(string dataRoot)
    {
        var pidFile = System.IO.Path.Combine(dataRoot, "data", "postmaster.pid");
        try
        {
            if (!File.Exists(pidFile))
            {
                return null;
            }

            using var stream = new FileStream(pidFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            return int.TryParse(reader.ReadLine(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && IsAlive(pid)
                && IsPostgres(pid) ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static bool IsPostgres(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.ProcessName == "postgres";
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Whether the process runs (a zombie waiting to be reaped counts as gone).</summary>
    public static bool IsAlive(int pid) => EmbeddedPostgres.IsAlive(pid);

    private static void StopLeftoverPostmaster(string dataRoot)
    {
        if (PostmasterPid(dataRoot) is not { } pid)
        {
            return;
        }

        try
        {
            // SIGINT is PostgreSQL's fast shutdown; SIGKILL only if it does not go within the deadline.
            var fastShutdown = new ProcessStartInfo("kill", ["-INT", pid.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false };
            using (var kill = Process.Start(fastShutdown))
            {
                kill?.WaitForExit(5000);
            }

            var deadline = Stopwatch.StartNew();
            while (IsAlive(pid) && deadline.Elapsed < TimeSpan.FromSeconds(20))
            {
                Thread.Sleep(100);
            }

            if (IsAlive(pid))
            {
                using var process = Process.GetProcessById(pid);
                process.Kill();
            }
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }
    }

    private static string TempRoot() =>
        !OperatingSystem.IsWindows() && Directory.Exists("/tmp") ? "/tmp" : System.IO.Path.GetTempPath();
}
