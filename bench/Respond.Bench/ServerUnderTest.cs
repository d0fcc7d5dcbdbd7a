using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Respond.Bench;

/// <summary>
/// Respond.Server as a child process, started from its build output the way an operator runs it, so the
/// bench measures the real host (Kestrel, logging, telemetry, Hangfire, the async daemon) and not a test host.
/// </summary>
internal sealed class ServerUnderTest : IDisposable
{
    public const string SourceName = "bench";
    public const string ViewerName = "bench";

    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(2);
    private const int KeptLogLines = 40;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _logTail = new();
    private readonly Lock _logFileLock = new();
    private StreamWriter? _logFile;
    private long _logLines;

    private ServerUnderTest(Process process, Uri baseAddress, StreamWriter? logFile)
    {
        _process = process;
        BaseAddress = baseAddress;
        _logFile = logFile;
    }

    public Uri BaseAddress { get; }

    public int Pid => _process.Id;

    /// <summary>How many lines the server wrote to stdout/stderr (at Warning level: ideally none).</summary>
    public long LogLines => Interlocked.Read(ref _logLines);

    public IEnumerable<string> LogTail => _logTail;

    /// <summary>The server's dll from the same configuration as this bench, which `dotnet run` has just built.</summary>
    public static string ServerDll(string repositoryRoot)
    {
#if DEBUG
        const string configuration = "Debug";
#else
        const string configuration = "Release";
#endif
        return Path.Combine(repositoryRoot, "src", "Respond.Server", "bin", configuration, "net10.0", "Respond.Server.dll");
    }

    /// <param name="settings">
    /// Environment variables set after the bench's own (so they may override them, e.g. the source's mapping or
    /// <c>Logging__LogLevel__Default</c>).
    /// </param>
    /// <param name="logFile">When given, every line the server writes to stdout/stderr is also copied there.</param>
    public static async Task<ServerUnderTest> StartAsync(
        string serverDll, string connectionString, string sourceToken, string viewerKey, HttpClient http,
        IReadOnlyDictionary<string, string>? settings, string? logFile, CancellationToken cancellationToken)
    {
        if (!File.Exists(serverDll))
        {
            throw new FileNotFoundException(
                $"{serverDll} is missing; build it with `dotnet build -c Release src/Respond.Server` (or run the bench with -c Release).");
        }

        var baseAddress = new Uri($"http://127.0.0.1:{FreePort().ToString(CultureInfo.InvariantCulture)}");
        var info = new ProcessStartInfo("dotnet")
        {
            // The content root is the output folder, where appsettings.json lives.
            WorkingDirectory = Path.GetDirectoryName(serverDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(serverDll);
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add(baseAddress.ToString().TrimEnd('/'));

        var environment = info.Environment;
        environment["ConnectionStrings__Respond"] = connectionString;
        environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        // Request lines off: the bench measures ingestion, not console writes.
        environment["Logging__LogLevel__Default"] = "Warning";
        environment.Remove("ASPNETCORE_URLS");
        environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");

        const string source = "Respond__Sources__" + SourceName + "__";
        environment[source + "Kind"] = "generic";
        environment[source + "Token"] = sourceToken;
        environment[source + "Mapping__Title"] = "$.title";
        environment[source + "Mapping__Fingerprint"] = "$.id";
        environment[source + "Mapping__Severity"] = "$.severity";
        environment[source + "Mapping__Entities__Ips"] = "$.ip";
        // The per-source token bucket would otherwise be what we measure.
        environment[source + "RateLimit__PermitsPerSecond"] = "1000000";
        environment[source + "RateLimit__Burst"] = "1000000";

        const string viewer = "Respond__Users__" + ViewerName + "__";
        environment[viewer + "ApiKey"] = viewerKey;
        environment[viewer + "Roles__0"] = "viewer";

        foreach (var (name, value) in settings ?? new Dictionary<string, string>())
        {
            environment[name] = value;
        }

        var log = logFile is null ? null : new StreamWriter(logFile, append: false) { AutoFlush = true };
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException("Could not start dotnet.");
        }
        catch
        {
            log?.Dispose();
            throw;
        }

        var server = new ServerUnderTest(process, baseAddress, log);
        process.OutputDataReceived += (_, e) => server.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => server.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            await server.WaitUntilReadyAsync(http, cancellationToken);
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>Throws with the exit code and the last log lines when the server is gone (crashed, or killed by someone).</summary>
    public void EnsureRunning(string during)
    {
        if (_process.HasExited)
        {
            // 137 = SIGKILL, 143 = SIGTERM: somebody else's kill, not a crash of its own.
            throw new InvalidOperationException(
                $"Respond.Server (pid {Pid}) exited with code {_process.ExitCode} during {during}. Its last log " +
                    $"lines:{Environment.NewLine}{string.Join(Environment.NewLine, _logTail)}");
        }
    }

    /// <summary>VmRSS of the server process, from /proc (Linux).</summary>
    public long ResidentBytes()
    {
        EnsureRunning("the memory reading");
        foreach (var line in File.ReadLines($"/proc/{Pid.ToString(CultureInfo.InvariantCulture)}/status"))
        {
            // "VmRSS:	  245760 kB"
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var kilobytes = line["VmRSS:".Length..].Replace("kB", "", StringComparison.Ordinal).Trim();
                return long.Parse(kilobytes, CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException($"/proc/{Pid}/status has no VmRSS line.");
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            // Kill is asynchronous: make sure it is gone before the database it uses is dropped.
            _process.WaitForExit(TimeSpan.FromSeconds(30));
        }
        catch (InvalidOperationException)
        {
            // It exited meanwhile.
        }

        _process.Dispose();
        lock (_logFileLock)
        {
            // Output events may still arrive after the timed wait: they find no file and are dropped.
            _logFile?.Dispose();
            _logFile = null;
        }
    }

    /// <summary>
    /// The count of log lines and the last ones, grouped without their timestamps, so a message repeated every
    /// few seconds shows once with its count. Nothing when the server wrote nothing.
    /// </summary>
    public void WriteLogSummary(string level)
    {
        if (LogLines == 0)
        {
            return;
        }

        Console.WriteLine($"the server wrote {LogLines} log lines at {level} level or above; the last {LogTail.Count()}, grouped:");
        foreach (var group in LogTail.Select(line => line.Split(' ', 2)[^1]).GroupBy(line => line))
        {
            var text = group.Key.Length <= 300 ? group.Key : group.Key[..300] + "…";
            Console.WriteLine($"  {group.Count()} × {text}");
        }
    }

    private async Task WaitUntilReadyAsync(HttpClient http, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var ready = new Uri(BaseAddress, "/health/ready");
        var last = "no answer yet";
        while (clock.Elapsed < ReadyTimeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException(
                    $"Respond.Server exited with code {_process.ExitCode} before it was " +
                        $"ready:{Environment.NewLine}{string.Join(Environment.NewLine, _logTail)}");
            }

            try
            {
                using var answer = await http.GetAsync(ready, cancellationToken);
                if (answer.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                last = $"{(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync(cancellationToken)}";
            }
            catch (HttpRequestException e)
            {
                last = e.Message; // not listening yet
            }

            // Poll interval, not synchronisation: the deadline above bounds the wait.
            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }

        throw new TimeoutException(
            $"Respond.Server was not ready within {ReadyTimeout.TotalSeconds:0} s (last: " +
                $"{last}):{Environment.NewLine}{string.Join(Environment.NewLine, _logTail)}");
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        Interlocked.Increment(ref _logLines);
        lock (_logFileLock)
        {
            _logFile?.WriteLine(line);
        }

        _logTail.Enqueue(line);
        while (_logTail.Count > KeptLogLines && _logTail.TryDequeue(out _))
        {
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
