using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Respond.Bench;
using Respond.Server.Storage;

// Respond ingestion benchmark: a fresh database, the Release server as a child process, a warm-up, a timed
// run of concurrent distinct alerts, pgbench on the same PostgreSQL for comparison, then a fill up to
// --alerts to read the server's memory and the incident list's latency at that size. It prints figures;
// it asserts nothing about them.

if (BenchOptions.Parse(args) is not { } options)
{
    return 2;
}

var culture = CultureInfo.InvariantCulture;
using var cancel = new CancellationTokenSource();

// Ctrl+C, or a kill/timeout from a script: cancel the run so that the finally blocks stop the server and the
// cluster, instead of the process dying with them still running.
void Interrupt(PosixSignalContext context)
{
    context.Cancel = true;
    if (!cancel.IsCancellationRequested)
    {
        Console.Error.WriteLine($"{context.Signal}: stopping the server and cleaning up…");
        cancel.Cancel();
    }
}

using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Interrupt);
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Interrupt);

using var loggers = LoggerFactory.Create(logging => logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
var logger = loggers.CreateLogger("Respond.Bench");

#if DEBUG
Console.Error.WriteLine("warning: this is a Debug build of the bench and of the server; use `dotnet run -c Release` for figures worth quoting.");
#endif

var repositoryRoot = RepositoryRoot.Find(AppContext.BaseDirectory);
if (repositoryRoot is null)
{
    Console.Error.WriteLine($"Cannot find Respond.sln above {AppContext.BaseDirectory}; run the bench from its checkout.");
    return 2;
}

var sourceToken = RandomNumberGenerator.GetHexString(32);
var viewerKey = RandomNumberGenerator.GetHexString(32);

// One handler for everything: enough connections that senders never queue inside the client.
using var http = new HttpClient(new SocketsHttpHandler
{
    MaxConnectionsPerServer = options.Concurrency + 4,
    PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
})
{
    Timeout = TimeSpan.FromSeconds(60),
};

try
{
    Console.WriteLine(
        $"Respond ingestion benchmark: {options.Concurrency} senders, {options.WarmUp} warm-up alerts, {options.Seconds} s timed run, {options.Alerts} alerts in total, {Environment.ProcessorCount} cores");

    using var database = BenchDatabase.Create(options.Connection, logger);
    var pgVersion = await database.ServerVersionAsync();
    Console.WriteLine($"storage: PostgreSQL {pgVersion}, database {database.Name} on {database.Where}");

    var serverDll = ServerUnderTest.ServerDll(repositoryRoot);
    var startClock = Stopwatch.StartNew();
    using var server = await ServerUnderTest.StartAsync(serverDll, database.ConnectionString, sourceToken, viewerKey, http, cancel.Token);
    Console.WriteLine($"server: pid {server.Pid} on {server.BaseAddress} ready in {startClock.Elapsed.TotalSeconds:0.0} s ({serverDll})");

    var load = new LoadGenerator(http, server.BaseAddress, sourceToken);

    // 1. Warm-up: JIT, connection pools, PostgreSQL's caches. Not measured. On a small machine tiered
    //    compilation (and its PGO instrumentation) is still busy after 2,000 alerts; --warmup 20000 shows the steady state.
    var warmUp = await load.RunUntilAcceptedAsync(options.Concurrency, Math.Min(options.WarmUp, options.Alerts), cancel.Token);
    Report("warm-up", warmUp);
    server.EnsureRunning("the warm-up");

    // 2. The timed run.
    var cpuBefore = CpuSample.Take(server.Pid, database.PostmasterPid);
    var run = await load.RunForAsync(options.Concurrency, TimeSpan.FromSeconds(options.Seconds), cancel.Token);
    var cpu = cpuBefore is null ? null : CpuSample.Take(server.Pid, database.PostmasterPid)! - cpuBefore;
    var latency = Percentiles.Of(run.Latencies);
    Report("timed run", run);
    server.EnsureRunning("the timed run");
    Console.WriteLine($"  time to 202 ms: p50 {latency.P50:0.0}, p90 {latency.P90:0.0}, p99 {latency.P99:0.0}, max {latency.Max:0.0}");
    if (cpu is not null)
    {
        // Cores busy on average; if the machine is near 100 % the figure is CPU-bound, and this says whose CPU.
        var seconds = run.Elapsed.TotalSeconds;
        // "others" is whatever else ran on the machine meanwhile: a busy neighbour makes the figures pessimistic.
        var postgres = double.IsNaN(cpu.PostgreSql)
            ? "n/a (measured for the private cluster only)"
            : string.Create(culture, $"{cpu.PostgreSql / seconds:0.00}, others {(cpu.MachineBusy - cpu.Server - cpu.PostgreSql - cpu.Bench) / seconds:0.00}");
        Console.WriteLine(string.Create(culture,
            $"  CPU, cores busy: server {cpu.Server / seconds:0.00}, bench {cpu.Bench / seconds:0.00}, PostgreSQL {postgres}; whole machine {cpu.MachineBusy / seconds:0.00} of {Environment.ProcessorCount}"));
    }

    // 3. pgbench on the same server, same number of clients, while Respond is idle.
    Console.WriteLine($"pgbench: {options.Concurrency} clients, {BenchOptions.PgBenchSeconds} s of 1 KB inserts…");
    var tps = await PgBench.InsertTpsAsync(database.ConnectionString, options.Concurrency, TimeSpan.FromSeconds(BenchOptions.PgBenchSeconds), cancel.Token);
    Console.WriteLine(string.Create(culture, $"  tps {tps:0}"));

    // 4. Fill up to --alerts, then look at the server's memory and at the list with that many incidents.
    var remaining = options.Alerts - load.TotalAccepted;
    LoadResult? fill = null;
    if (remaining > 0)
    {
        Console.WriteLine($"fill: {remaining} more alerts to reach {options.Alerts}…");
        fill = await load.RunUntilAcceptedAsync(options.Concurrency, remaining, cancel.Token);
        Report("fill", fill);
        server.EnsureRunning("the fill");
    }

    var rssMegabytes = server.ResidentBytes() / (1024.0 * 1024.0);
    var list = await IncidentListAsync(http, server.BaseAddress, viewerKey, cancel.Token);

    var errors = warmUp.ErrorCount + run.ErrorCount + (fill?.ErrorCount ?? 0);
    Console.WriteLine();
    Console.WriteLine($"== Respond ingestion benchmark ({Environment.ProcessorCount} cores)");
    Console.WriteLine(string.Create(culture, $"alerts/s sustained ({options.Concurrency} senders, {options.Seconds} s): {run.PerSecond:0}  ({run.Accepted} alerts, {run.ErrorCount} errors)"));
    Console.WriteLine(string.Create(culture, $"time to 202 p50/p90/p99/max ms:        {latency.P50:0.0} / {latency.P90:0.0} / {latency.P99:0.0} / {latency.Max:0.0}"));
    Console.WriteLine(string.Create(culture, $"pgbench 1 KB insert tps ({options.Concurrency} clients):   {tps:0}"));
    Console.WriteLine(string.Create(culture, $"ratio to pgbench:                       {run.PerSecond / tps:0.00}"));
    Console.WriteLine(string.Create(culture, $"server RSS after {load.TotalAccepted} alerts:         {rssMegabytes:0} MB"));
    Console.WriteLine(string.Create(culture, $"incident list (page 1 of {list.Total}) ms:    {list.MedianMs:0.0}  (median of {list.Calls}; first call {list.FirstMs:0.0})"));
    if (fill is not null)
    {
        Console.WriteLine(string.Create(culture, $"fill phase alerts/s:                    {fill.PerSecond:0}  ({fill.Accepted} alerts in {fill.Elapsed.TotalSeconds:0} s)"));
    }

    if (cpu is not null && run.Accepted > 0)
    {
        var postgres = double.IsNaN(cpu.PostgreSql) ? "n/a" : (cpu.PostgreSql * 1000 / run.Accepted).ToString("0.00", culture);
        Console.WriteLine(string.Create(culture,
            $"CPU ms per alert server / PostgreSQL:   {cpu.Server * 1000 / run.Accepted:0.00} / {postgres}  (machine {100 * cpu.MachineBusy / cpu.MachineTotal:0}% busy in the timed run)"));
    }

    Console.WriteLine($"errors (non-202, all phases):           {errors}");
    if (list.Total != load.TotalAccepted)
    {
        Console.WriteLine($"note: {load.TotalAccepted} alerts were accepted but the list counts {list.Total} incidents (each distinct alert should open one).");
    }

    if (server.LogLines > 0)
    {
        // Grouped without their timestamps, so a message repeated every few seconds shows once with its count.
        Console.WriteLine($"the server wrote {server.LogLines} log lines at Warning level or above; the last {server.LogTail.Count()}, grouped:");
        foreach (var group in server.LogTail.Select(line => line.Split(' ', 2)[^1]).GroupBy(line => line))
        {
            var text = group.Key.Length <= 300 ? group.Key : group.Key[..300] + "…";
            Console.WriteLine($"  {group.Count()} × {text}");
        }
    }

    return 0;
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    Console.Error.WriteLine("Interrupted; no figures.");
    return 130;
}
catch (Exception e) when (e is not OutOfMemoryException)
{
    Console.Error.WriteLine($"Benchmark failed: {e}");
    return 1;
}

static void Report(string phase, LoadResult result)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{phase}: {result.Accepted} alerts in {result.Elapsed.TotalSeconds:0.0} s = {result.PerSecond:0}/s, {result.ErrorCount} errors"));
    foreach (var (error, count) in result.Errors.OrderByDescending(e => e.Value))
    {
        Console.WriteLine($"  {count} × {error}");
    }
}

// GET /api/incidents?pageSize=1 a few times: the first call shows a cold plan, the median the steady state.
static async Task<IncidentList> IncidentListAsync(HttpClient http, Uri baseAddress, string viewerKey, CancellationToken cancellationToken)
{
    const int calls = 5;
    var times = new double[calls];
    long total = 0;
    for (var i = 0; i < calls; i++)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseAddress, "/api/incidents?pageSize=1"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", viewerKey);
        var started = Stopwatch.GetTimestamp();
        using var answer = await http.SendAsync(request, cancellationToken);
        var body = await answer.Content.ReadAsStringAsync(cancellationToken);
        times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (!answer.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"GET /api/incidents answered {(int)answer.StatusCode}: {body}");
        }

        using var page = JsonDocument.Parse(body);
        total = page.RootElement.GetProperty("total").GetInt64();
    }

    var first = times[0];
    Array.Sort(times);
    return new IncidentList(total, first, times[calls / 2], calls);
}

internal sealed record IncidentList(long Total, double FirstMs, double MedianMs, int Calls);
