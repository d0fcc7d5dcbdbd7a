using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Respond.Bench;

/// <summary>
/// The ingestion benchmark (the default scenario): a warm-up, a timed run of concurrent distinct alerts, pgbench
/// on the same PostgreSQL for comparison, then a fill up to --alerts to read the server's memory and the
/// incident list's latency at that size.
/// </summary>
internal static class IngestionScenario
{
    private const int ProbeCommitsPerSecond = 10;

    public static async Task<int> RunAsync(BenchContext context)
    {
        var options = context.Options;
        var http = context.Http;
        var cancellationToken = context.Cancellation;
        var culture = CultureInfo.InvariantCulture;

        Console.WriteLine(
            $"Respond ingestion benchmark: {options.Concurrency} senders, {options.WarmUp} warm-up alerts, {options.Seconds} s timed run, " +
                $"{options.Alerts} alerts in total, {Environment.ProcessorCount} cores");

        using var stack = await BenchStack.StartAsync(context, settings: null, logFile: null);
        var server = stack.Server;

        var load = new LoadGenerator(http, server.BaseAddress, stack.SourceToken);

        // 1. Warm-up: JIT, connection pools, PostgreSQL's caches. Not measured. On a small machine tiered
        //    compilation (and its PGO instrumentation) is still busy after 2,000 alerts; --warmup 20000 shows the steady state.
        var warmUp = await load.RunUntilAcceptedAsync(options.Concurrency, Math.Min(options.WarmUp, options.Alerts), cancellationToken);
        Report("warm-up", warmUp);
        server.EnsureRunning("the warm-up");

        // 2. The timed run.
        //    A plain commit probe runs beside it: a tail in both at once is the disk's, not Respond's.
        await using var probe = await CommitProbe.StartAsync(stack.Database.ConnectionString, ProbeCommitsPerSecond, cancellationToken);
        var cpuBefore = stack.CpuNow();
        var run = await load.RunForAsync(options.Concurrency, TimeSpan.FromSeconds(options.Seconds), cancellationToken);
        var cpu = cpuBefore is null ? null : stack.CpuNow()! - cpuBefore;
        var commits = Percentiles.Of(await probe.StopAsync());
        var latency = Percentiles.Of(run.Latencies);
        Report("timed run", run);
        server.EnsureRunning("the timed run");
        Console.WriteLine($"  time to 202 ms: p50 {latency.P50:0.0}, p90 {latency.P90:0.0}, p99 {latency.P99:0.0}, max {latency.Max:0.0}");
        if (cpu is not null)
        {
            Console.WriteLine("  " + cpu.CoresBusy(run.Elapsed.TotalSeconds));
        }

        // 3. pgbench on the same server, same number of clients, while Respond is idle.
        Console.WriteLine($"pgbench: {options.Concurrency} clients, {BenchOptions.PgBenchSeconds} s of 1 KB inserts…");
        var tps = await PgBench.InsertTpsAsync(stack.Database.ConnectionString, options.Concurrency,
            TimeSpan.FromSeconds(BenchOptions.PgBenchSeconds), cancellationToken);
        Console.WriteLine(string.Create(culture, $"  tps {tps:0}"));

        // 4. Fill up to --alerts, then look at the server's memory and at the list with that many incidents.
        var remaining = options.Alerts - load.TotalAccepted;
        LoadResult? fill = null;
        if (remaining > 0)
        {
            Console.WriteLine($"fill: {remaining} more alerts to reach {options.Alerts}…");
            fill = await load.RunUntilAcceptedAsync(options.Concurrency, remaining, cancellationToken);
            Report("fill", fill);
            server.EnsureRunning("the fill");
        }

        var rssMegabytes = server.ResidentBytes() / (1024.0 * 1024.0);
        var list = await IncidentListAsync(http, server.BaseAddress, stack.ViewerKey, cancellationToken);

        var errors = warmUp.ErrorCount + run.ErrorCount + (fill?.ErrorCount ?? 0);
        Console.WriteLine();
        Console.WriteLine($"== Respond ingestion benchmark ({Environment.ProcessorCount} cores)");
        Console.WriteLine(string.Create(culture,
            $"alerts/s sustained ({options.Concurrency} senders, {options.Seconds} s): {run.PerSecond:0}  ({run.Accepted} alerts, " +
                $"{run.ErrorCount} errors)"));
        Console.WriteLine(string.Create(culture,
            $"time to 202 p50/p90/p99/max ms:        {latency.P50:0.0} / {latency.P90:0.0} / {latency.P99:0.0} / {latency.Max:0.0}"));
        Console.WriteLine(string.Create(culture,
            $"plain 1 KB commit beside it p99/max ms: {commits.P99:0.0} / {commits.Max:0.0}  ({ProbeCommitsPerSecond}/s: the disk's and the " +
                $"cores' own tail)"));
        Console.WriteLine(string.Create(culture, $"pgbench 1 KB insert tps ({options.Concurrency} clients):   {tps:0}"));
        Console.WriteLine(string.Create(culture, $"ratio to pgbench:                       {run.PerSecond / tps:0.00}"));
        Console.WriteLine(string.Create(culture, $"server RSS after {load.TotalAccepted} alerts:         {rssMegabytes:0} MB"));
        Console.WriteLine(string.Create(culture,
            $"incident list (page 1 of {list.Total}) ms:    {list.MedianMs:0.0}  (median of {list.Calls}; first call {list.FirstMs:0.0})"));
        if (fill is not null)
        {
            Console.WriteLine(string.Create(culture,
                $"fill phase alerts/s:                    {fill.PerSecond:0}  ({fill.Accepted} alerts in {fill.Elapsed.TotalSeconds:0} s)"));
        }

        if (cpu is not null && run.Accepted > 0)
        {
            var postgres = double.IsNaN(cpu.PostgreSql) ? "n/a" : (cpu.PostgreSql * 1000 / run.Accepted).ToString("0.00", culture);
            Console.WriteLine(string.Create(culture,
                $"CPU ms per alert server / PostgreSQL:   {cpu.Server * 1000 / run.Accepted:0.00} / {postgres}  (machine " +
                    $"{100 * cpu.MachineBusy / cpu.MachineTotal:0}% busy in the timed run)"));
        }

        Console.WriteLine($"errors (non-202, all phases):           {errors}");
        if (list.Total != load.TotalAccepted)
        {
            Console.WriteLine($"note: {load.TotalAccepted} alerts were accepted but the list counts {list.Total} incidents (each distinct alert " +
                "should open one).");
        }

        server.WriteLogSummary("Warning");
        return 0;
    }

    public static void Report(string phase, LoadResult result)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{phase}: {result.Accepted} alerts in {result.Elapsed.TotalSeconds:0.0} s = {result.PerSecond:0}/s, {result.ErrorCount} errors"));
        foreach (var (error, count) in result.Errors.OrderByDescending(e => e.Value))
        {
            Console.WriteLine($"  {count} × {error}");
        }
    }

    // GET /api/incidents?pageSize=1 a few times: the first call shows a cold plan, the median the steady state.
    private static async Task<IncidentList> IncidentListAsync(HttpClient http, Uri baseAddress, string viewerKey, CancellationToken cancellationToken)
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

    private sealed record IncidentList(long Total, double FirstMs, double MedianMs, int Calls);
}
