using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Respond.Bench;

/// <summary>
/// The playbook engine benchmark (<c>--scenario playbooks</c>). The server gets two playbook files and two
/// connectors pointing at an in-process target (<see cref="FirewallTarget"/>):
/// <list type="bullet">
/// <item><c>bench-first-action</c> (alerts of category BenchLatency): condition, then firewall <c>block-ip</c>;</item>
/// <item><c>bench-three-steps</c> (category BenchThroughput): condition, <c>block-ip</c>, then an http <c>request</c> to <c>/notify</c>.</item>
/// </list>
/// Phases: a warm-up (not measured); latency, an open loop at <c>--rate</c> alerts/s timing each alert from just
/// before its webhook POST to its block's arrival at the target; throughput, <c>--concurrency</c> closed-loop
/// senders, counting completed runs by their <c>/notify</c> arrivals, then the drain of the backlog. Every alert
/// opens its own incident (distinct id, the correlation key) with its own IP, so each run is told apart at the
/// target by the IP it blocks; each phase has its own first octet (10 warm-up, 11 latency, 12 throughput).
/// </summary>
internal static class PlaybookScenario
{
    private const string LatencyCategory = "BenchLatency";
    private const string ThroughputCategory = "BenchThroughput";
    private const string FirstActionPlaybook = "bench-first-action";
    private const string ThreeStepsPlaybook = "bench-three-steps";
    private const int WarmUpOctet = 10;
    private const int LatencyOctet = 11;
    private const int ThroughputOctet = 12;
    private const int StepsPerThroughputRun = 3;
    private const int WarmUpSpeedUp = 4;
    private const int SlowMs = 250;
    private const int ProbeCommitsPerSecond = 10;

    private static readonly TimeSpan BlockDeadline = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan WarmUpLimit = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan SteadyAfter = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan PlaybooksLimit = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan IdleTime = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan SettleLimit = TimeSpan.FromSeconds(30);
    private const double SettleCores = 0.15;

    private static readonly CultureInfo Culture = CultureInfo.InvariantCulture;

    public static async Task<int> RunAsync(BenchContext context)
    {
        var options = context.Options;
        var cancellationToken = context.Cancellation;
        var total = Stopwatch.StartNew();
        Console.WriteLine(
            $"Respond playbook benchmark: {options.WarmUp} warm-up alerts at {WarmUpSpeedUp * options.Rate}/s, latency at {options.Rate} " +
                $"alerts/s for {options.Seconds} s, "
            + $"throughput with {options.Concurrency} senders for {options.Seconds} s, {Environment.ProcessorCount} cores");

        // The playbooks go in a folder of their own (deleted at the end); the server's log stays for reading.
        var folder = Directory.CreateTempSubdirectory("respond-bench-playbooks-").FullName;
        var playbooks = Path.Combine(folder, "playbooks");
        var logFile = Path.Combine(folder, "server.log");
        WritePlaybooks(playbooks);
        try
        {
            await using var target = await FirewallTarget.StartAsync(cancellationToken);
            Console.WriteLine($"target: firewall and notify API on {target.BaseAddress}");
            using var stack = await BenchStack.StartAsync(context, ServerSettings(target.BaseAddress, playbooks, options.ServerLogLevel), logFile);
            Console.WriteLine($"server log: {logFile}");
            var run = new Run(context, stack, target, logFile);
            return await run.ExecuteAsync(total);
        }
        finally
        {
            try
            {
                Directory.Delete(playbooks, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                context.Logger.LogWarning(e, "Could not delete {Folder}; delete it by hand", playbooks);
            }
        }
    }

    /// <summary>The settings of SPEC §1 the scenario needs, as environment variables (<c>__</c> for <c>:</c>).</summary>
    private static Dictionary<string, string> ServerSettings(Uri target, string playbooksFolder, string logLevel)
    {
        var baseUrl = target.ToString().TrimEnd('/');
        // Title, Severity and Fingerprint ($.title, $.severity, $.id) are ServerUnderTest's own mapping.
        const string source = "Respond__Sources__" + ServerUnderTest.SourceName + "__";
        return new Dictionary<string, string>
        {
            [source + "Mapping__Title"] = "$.title",
            [source + "Mapping__Severity"] = "$.severity",
            [source + "Mapping__Fingerprint"] = "$.id",
            [source + "Mapping__Category"] = "$.category",
            [source + "Mapping__Entities__Ips"] = "$.entities[*].ip",
            ["Respond__Connectors__firewall__Kind"] = "firewall",
            ["Respond__Connectors__firewall__BaseUrl"] = baseUrl,
            ["Respond__Connectors__firewall__Token"] = FirewallTarget.Token,
            ["Respond__Connectors__notify__Kind"] = "http",
            ["Respond__Connectors__notify__BaseUrl"] = baseUrl,
            // The targets run in this process on loopback, which connectors refuse unless their configuration allows it.
            ["Respond__Connectors__firewall__AllowedNetworks__0"] = "127.0.0.0/8",
            ["Respond__Connectors__notify__AllowedNetworks__0"] = "127.0.0.0/8",
            ["Respond__Playbooks__Path"] = playbooksFolder,
            ["Logging__LogLevel__Default"] = logLevel,
        };
    }

    private static void WritePlaybooks(string folder)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, FirstActionPlaybook + ".json"), $$$"""
            {
              "id": "{{{FirstActionPlaybook}}}",
              "name": "Bench: block the address (first action)",
              "description": "Written by bench/Respond.Bench: the latency from an alert to its first action.",
              "trigger": { "on": "incident.opened", "when": "alerts.some(a => a.category == '{{{LatencyCategory}}}')" },
              "steps": [
                { "id": "has-ip", "type": "condition", "if": "incident.entities.ips.length > 0", "next": { "true": "block" } },
                { "id": "block", "type": "action", "connector": "firewall", "operation": "block-ip",
                  "input": { "ip": "{{ incident.entities.ips[0] }}" } }
              ]
            }

            """);
        File.WriteAllText(Path.Combine(folder, ThreeStepsPlaybook + ".json"), $$$"""
            {
              "id": "{{{ThreeStepsPlaybook}}}",
              "name": "Bench: block and notify (three steps)",
              "description": "Written by bench/Respond.Bench: the engine's throughput in runs and steps per second.",
              "trigger": { "on": "incident.opened", "when": "alerts.some(a => a.category == '{{{ThroughputCategory}}}')" },
              "steps": [
                { "id": "has-ip", "type": "condition", "if": "incident.entities.ips.length > 0", "next": { "true": "block" } },
                { "id": "block", "type": "action", "connector": "firewall", "operation": "block-ip",
                  "input": { "ip": "{{ incident.entities.ips[0] }}" }, "next": "notify" },
                { "id": "notify", "type": "action", "connector": "notify", "operation": "request",
                  "input": { "method": "POST", "path": "{{{FirewallTarget.NotifyPath}}}", "body": { "ip": "{{ incident.entities.ips[0] }}" } } }
              ]
            }

            """);
    }

    /// <summary>The alert's IP: the phase's first octet, then the sequence number in the other 24 bits.</summary>
    private static string IpOf(int firstOctet, long n) =>
        string.Create(Culture, $"{firstOctet}.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}");

    private static Func<long, byte[]> AlertBodies(string runId, int firstOctet, Func<long, string> category) => n =>
    {
        var ip = IpOf(firstOctet, n);
        var json = string.Create(Culture,
            $$"""{"id":"bench-{{runId}}-{{firstOctet}}-{{n}}","title":"Bench {{category(n)}} """ +
            $$"""{{ip}}","severity":"high","category":"{{category(n)}}","entities":[{"ip":"{{ip}}"}]}""");
        return Encoding.UTF8.GetBytes(json);
    };

    /// <summary>Polls <paramref name="done"/> until it holds or <paramref name="limit"/> has passed; the time it took, or null.</summary>
    private static async Task<TimeSpan?> WaitUntilAsync(Func<bool> done, TimeSpan limit, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (!done())
        {
            if (clock.Elapsed >= limit)
            {
                return null;
            }

            await Task.Delay(Poll, cancellationToken);
        }

        return clock.Elapsed;
    }

    /// <summary>One line of the summary: the label in a column of its own.</summary>
    internal static void Row(string label, string value) => Console.WriteLine($"{label + ":",-44} {value}");

    private static string Ms(double value) => double.IsNaN(value) ? "n/a" : value.ToString("0.0", Culture);

    private static string PercentilesText(Percentiles p) => $"{Ms(p.P50)} / {Ms(p.P90)} / {Ms(p.P99)} / {Ms(p.Max)}";

    /// <summary>One run of the scenario against a started stack and target.</summary>
    private sealed class Run(BenchContext context, BenchStack stack, FirewallTarget target, string logFile)
    {
        private readonly BenchOptions _options = context.Options;
        private readonly CancellationToken _cancellationToken = context.Cancellation;
        private readonly ServerUnderTest _server = stack.Server;
        private readonly string _runId = Guid.NewGuid().ToString("N")[..8];

        public async Task<int> ExecuteAsync(Stopwatch total)
        {
            await WaitForPlaybooksAsync();

            // 1. Warm-up: both playbooks, so that Wolverine's generated handlers, Jint and the JIT are ready. Not measured.
            var warmUp = await WarmUpAsync();
            if (warmUp.Blocked == 0)
            {
                Console.WriteLine();
                Console.WriteLine($"The engine ran no playbook: none of the {warmUp.Accepted} warm-up alerts produced a block within " +
                    $"{WarmUpLimit.TotalSeconds:0} s.");
                Console.WriteLine($"Check that the server loads playbook files from Respond:Playbooks:Path and starts runs; its log: " +
                    $"{_server.LogLines} lines.");
                _server.WriteLogSummary(_options.ServerLogLevel);
                return 1;
            }

            // Tiered compilation promotes what the warm-up ran for tens of seconds afterwards, on a core of its own;
            // let it finish. Then the baseline: what the server and PostgreSQL burn with no alert and no run.
            var settled = await SettleAsync();
            var idle = await IdleAsync();

            // 2. Latency: open loop at --rate alerts/s.
            var latency = await LatencyAsync();

            // 3. Throughput: closed loops as fast as the server accepts, then the drain.
            var throughput = await ThroughputAsync();

            var rss = _server.ResidentBytes() / (1024.0 * 1024.0);
            var keys = IdempotencyCheck.Of(target.Requests);

            Console.WriteLine();
            Console.WriteLine($"== Respond playbook benchmark ({Environment.ProcessorCount} cores)");
            Row("warm-up", string.Create(Culture,
                $"{warmUp.Accepted} alerts; {warmUp.Blocked} blocked, {warmUp.Notified} of {warmUp.ThreeStepRuns} notified, " +
                $"{(warmUp.Took is { } took
                    ? $"done {took.TotalSeconds:0.0} s after the last answer"
                    : $"not all done within {WarmUpLimit.TotalSeconds:0} s")}"));
            Row("settle (server CPU under 0.15 cores)", settled is { } quiet
                ? string.Create(Culture, $"after {quiet.TotalSeconds:0} s")
                : string.Create(Culture, $"not within {SettleLimit.TotalSeconds:0} s: the latency phase shares the cores with it"));
            Row($"idle ({IdleTime.TotalSeconds:0} s), cores busy", idle is null ? "n/a" : string.Create(Culture,
                $"server {idle.Server / IdleTime.TotalSeconds:0.00}, PostgreSQL " +
                $"{(double.IsNaN(idle.PostgreSql) ? "n/a" : (idle.PostgreSql / IdleTime.TotalSeconds).ToString("0.00", Culture))}, " +
                $"others {idle.Others / IdleTime.TotalSeconds:0.00}"));
            Console.WriteLine($"-- latency: {FirstActionPlaybook} (condition, block-ip), open loop at {_options.Rate} alerts/s for " +
                $"{_options.Seconds} s");
            Row("alerts sent / accepted",
                $"{latency.Load.Accepted + latency.Load.ErrorCount} / {latency.Load.Accepted}  ({latency.Load.ErrorCount} errors)");
            Row($"alert → block at target ms ({latency.ToBlock.Length})", $"p50/p90/p99/max {PercentilesText(Percentiles.Of(latency.ToBlock))}");
            Row($"time to 202 ms ({latency.Load.Latencies.Length})", $"p50/p90/p99/max {PercentilesText(Percentiles.Of(latency.Load.Latencies))}");
            Row($"plain 1 KB commit beside it ms ({latency.ProbeCommits.Length})",
                $"p50/p90/p99/max {PercentilesText(Percentiles.Of(latency.ProbeCommits))}  (the disk's own tail, {ProbeCommitsPerSecond}/s)");
            Row($"alerts without a block within {BlockDeadline.TotalSeconds:0} s", latency.Missing.ToString(Culture));
            Row($"slower than {SlowMs} ms, by second sent", latency.Slow.Length == 0 ? "none" : latency.Slow);
            Row("CPU ms per run, server / PostgreSQL", CpuPerRun(latency.Cpu, latency.ToBlock.Length) + "  (2 steps and the alert's ingestion)");
            Console.WriteLine($"-- throughput: {ThreeStepsPlaybook} (condition, block-ip, notify), {_options.Concurrency} senders for " +
                $"{_options.Seconds} s");
            Row("webhook accept rate", string.Create(Culture,
                $"{throughput.Load.PerSecond:0} alerts/s  ({throughput.Load.Accepted} in {throughput.Load.Elapsed.TotalSeconds:0.0} s, " +
                    $"{throughput.Load.ErrorCount} errors)"));
            Row($"runs/s completed (after the first {SteadyAfter.TotalSeconds:0} s)", string.Create(Culture,
                $"{throughput.RunsPerSecond:0.0}  (per second min/median/max {throughput.PerSecondMin} / {throughput.PerSecondMedian} / " +
                    $"{throughput.PerSecondMax})"));
            Row($"steps/s ({StepsPerThroughputRun} per run)", (throughput.RunsPerSecond * StepsPerThroughputRun).ToString("0.0", Culture));
            Row("backlog when sending stopped",
                $"{throughput.BacklogAtEnd} runs  (accepted {throughput.Load.Accepted} − notified {throughput.NotifiedAtEnd})");
            var drain = throughput.Drained is { } drained
                ? string.Create(Culture, $"drained in {drained.TotalSeconds:0.0} s")
                : string.Create(Culture,
                    $"not drained after {DrainLimit.TotalSeconds:0} s: {throughput.Load.Accepted - throughput.NotifiedAfterDrain} runs left");
            Row("drain", string.Create(Culture, $"{drain}  ({throughput.DrainRunsPerSecond:0.0} runs/s with no alerts coming in)"));
            Row("CPU ms per run, server / PostgreSQL",
                CpuPerRun(throughput.Cpu, throughput.NotifiedAfterDrain) + "  (3 steps and the alert's ingestion; sending and drain)");
            Console.WriteLine("-- overall");
            Row("server RSS at the end", string.Create(Culture, $"{rss:0} MB"));
            keys.Write();
            Row("bench time", string.Create(Culture, $"{total.Elapsed.TotalSeconds:0} s"));
            if (_options.ServerLogLevel is "Warning" or "Error" or "Critical" or "None")
            {
                _server.WriteLogSummary(_options.ServerLogLevel);
            }
            else
            {
                Console.WriteLine($"the server wrote {_server.LogLines} log lines at {_options.ServerLogLevel} level or above: {logFile}");
            }

            return 0;
        }

        private static string CpuPerRun(CpuSample? cpu, long runs)
        {
            if (cpu is null || runs == 0)
            {
                return "n/a";
            }

            var postgres = double.IsNaN(cpu.PostgreSql) ? "n/a" : (cpu.PostgreSql * 1000 / runs).ToString("0.00", Culture);
            return string.Create(Culture,
                $"{cpu.Server * 1000 / runs:0.00} / {postgres}  (machine {100 * cpu.MachineBusy / cpu.MachineTotal:0}% busy)");
        }

        // The file loader publishes at start-up, maybe after /health/ready: wait until the library lists both.
        private async Task WaitForPlaybooksAsync()
        {
            var clock = Stopwatch.StartNew();
            var last = "no answer yet";
            while (clock.Elapsed < PlaybooksLimit)
            {
                _server.EnsureRunning("the wait for the playbooks");
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_server.BaseAddress, "/api/playbooks"));
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", stack.ViewerKey);
                using var answer = await context.Http.SendAsync(request, _cancellationToken);
                var body = await answer.Content.ReadAsStringAsync(_cancellationToken);
                if (answer.StatusCode == HttpStatusCode.OK
                    && body.Contains($"\"{FirstActionPlaybook}\"", StringComparison.Ordinal)
                    && body.Contains($"\"{ThreeStepsPlaybook}\"", StringComparison.Ordinal))
                {
                    Console.WriteLine($"playbooks: {FirstActionPlaybook} and {ThreeStepsPlaybook} listed after {clock.Elapsed.TotalSeconds:0.0} s");
                    return;
                }

                last = $"{(int)answer.StatusCode} {(body.Length <= 300 ? body : body[..300] + "…")}";
                await Task.Delay(TimeSpan.FromMilliseconds(250), _cancellationToken);
            }

            Console.WriteLine($"warning: GET /api/playbooks did not list both bench playbooks within {PlaybooksLimit.TotalSeconds:0} s (last: " +
                $"{last}); going on.");
        }

        private async Task<WarmUpResult> WarmUpAsync()
        {
            // Alternating playbooks; an open loop as in the latency phase, faster: tiered compilation needs calls, not time.
            static string CategoryOf(long n) => n % 2 == 0 ? ThroughputCategory : LatencyCategory;
            var load = new LoadGenerator(context.Http, _server.BaseAddress, stack.SourceToken, AlertBodies(_runId, WarmUpOctet, CategoryOf));
            var expectBlock = new ConcurrentBag<string>();
            var expectNotify = new ConcurrentBag<string>();
            var rate = WarmUpSpeedUp * _options.Rate;
            var result = await load.RunAtRateAsync(rate, TimeSpan.FromSeconds((double)_options.WarmUp / rate), (n, _, latency) =>
            {
                if (latency is not null)
                {
                    expectBlock.Add(IpOf(WarmUpOctet, n));
                    if (CategoryOf(n) == ThroughputCategory)
                    {
                        expectNotify.Add(IpOf(WarmUpOctet, n));
                    }
                }
            }, _cancellationToken);
            IngestionScenario.Report("warm-up", result);
            _server.EnsureRunning("the warm-up");

            var done = await WaitUntilAsync(
                () => target.BlockedCount(WarmUpOctet) >= expectBlock.Count && target.NotifiedCount(WarmUpOctet) >= expectNotify.Count,
                WarmUpLimit, _cancellationToken);
            var blocked = expectBlock.Count(ip => target.TryGetFirstBlock(ip, out _));
            var notified = expectNotify.Count(ip => target.TryGetFirstNotify(ip, out _));
            Console.WriteLine(string.Create(Culture,
                $"  runs: {blocked} of {expectBlock.Count} blocked, {notified} of {expectNotify.Count} notified, " +
                $"{(done is { } took
                    ? $"all done {took.TotalSeconds:0.0} s after the last answer"
                    : $"gave up after {WarmUpLimit.TotalSeconds:0} s")}"));
            return new WarmUpResult(result.Accepted, blocked, notified, expectNotify.Count, done);
        }

        // Until the server used less than SettleCores over one second, or SettleLimit.
        private async Task<TimeSpan?> SettleAsync()
        {
            var clock = Stopwatch.StartNew();
            var before = stack.CpuNow();
            if (before is null)
            {
                return null;
            }

            while (clock.Elapsed < SettleLimit)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), _cancellationToken);
                var now = stack.CpuNow()!;
                var busy = now.Server - before.Server;
                before = now;
                if (busy < SettleCores)
                {
                    Console.WriteLine(string.Create(Culture, $"settle: server at {busy:0.00} cores after {clock.Elapsed.TotalSeconds:0} s"));
                    return clock.Elapsed;
                }
            }

            Console.WriteLine($"settle: the server was still busy after {SettleLimit.TotalSeconds:0} s");
            return null;
        }

        private async Task<CpuSample?> IdleAsync()
        {
            var before = stack.CpuNow();
            await Task.Delay(IdleTime, _cancellationToken);
            var idle = before is null ? null : stack.CpuNow()! - before;
            if (idle is not null)
            {
                Console.WriteLine($"idle: {idle.CoresBusy(IdleTime.TotalSeconds)}");
            }

            return idle;
        }

        private async Task<LatencyResult> LatencyAsync()
        {
            Console.WriteLine($"latency: {_options.Rate} alerts/s for {_options.Seconds} s ({LatencyCategory}), then up to " +
                $"{BlockDeadline.TotalSeconds:0} s for the last blocks…");
            var load = new LoadGenerator(context.Http, _server.BaseAddress, stack.SourceToken,
                AlertBodies(_runId, LatencyOctet, _ => LatencyCategory));
            var sentAt = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
            var toAccepted = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
            await using var probe = await CommitProbe.StartAsync(stack.Database.ConnectionString, ProbeCommitsPerSecond, _cancellationToken);
            var cpuBefore = stack.CpuNow();
            var clock = Stopwatch.StartNew();
            var phaseStart = Stopwatch.GetTimestamp();
            var result = await load.RunAtRateAsync(_options.Rate, TimeSpan.FromSeconds(_options.Seconds), (n, started, latency) =>
            {
                if (latency is { } ticks)
                {
                    sentAt[IpOf(LatencyOctet, n)] = started;
                    toAccepted[IpOf(LatencyOctet, n)] = ticks;
                }
            }, _cancellationToken);
            var commits = await probe.StopAsync();
            IngestionScenario.Report("  sent", result);
            _server.EnsureRunning("the latency phase");

            // Every accepted alert has its block, or its 10 s are over (the last alert was sent last).
            var lastSent = sentAt.Values.DefaultIfEmpty(Stopwatch.GetTimestamp()).Max();
            var deadline = lastSent + (long)(BlockDeadline.TotalSeconds * Stopwatch.Frequency);
            await WaitUntilAsync(
                () => target.BlockedCount(LatencyOctet) >= sentAt.Count || Stopwatch.GetTimestamp() > deadline,
                BlockDeadline + TimeSpan.FromSeconds(1), _cancellationToken);
            var cpu = cpuBefore is null ? null : stack.CpuNow()! - cpuBefore;
            var seconds = clock.Elapsed.TotalSeconds;

            var limit = (long)(BlockDeadline.TotalSeconds * Stopwatch.Frequency);
            var toBlock = new List<long>(sentAt.Count);
            var missing = 0;
            foreach (var (ip, started) in sentAt)
            {
                if (target.TryGetFirstBlock(ip, out var arrived) && arrived - started <= limit)
                {
                    toBlock.Add(arrived - started);
                }
                else
                {
                    missing++;
                }
            }

            var percentiles = Percentiles.Of([.. toBlock]);
            Console.WriteLine($"  alert → block ms: p50 {Ms(percentiles.P50)}, p90 {Ms(percentiles.P90)}, p99 {Ms(percentiles.P99)}, max " +
                $"{Ms(percentiles.Max)}; {missing} without a block within {BlockDeadline.TotalSeconds:0} s");
            var slow = SlowAlerts(sentAt, toAccepted, phaseStart);
            if (slow.Length > 0)
            {
                Console.WriteLine($"  slow (block after more than {SlowMs} ms), by second of the phase they were sent in: {slow}");
            }
            if (cpu is not null)
            {
                Console.WriteLine("  " + cpu.CoresBusy(seconds));
            }

            return new LatencyResult(result, [.. toBlock], missing, cpu, slow, commits);
        }

        // Where the tail is: "t=12 s: 14 (202 after 1283 ms at most)", for the seconds with alerts slower than SlowMs.
        private string SlowAlerts(ConcurrentDictionary<string, long> sentAt, ConcurrentDictionary<string, long> toAccepted, long phaseStart)
        {
            var slowTicks = SlowMs * Stopwatch.Frequency / 1000;
            var slow = sentAt
                .Where(pair => !target.TryGetFirstBlock(pair.Key, out var arrived) || arrived - pair.Value > slowTicks)
                .GroupBy(pair => (pair.Value - phaseStart) / Stopwatch.Frequency)
                .OrderBy(g => g.Key)
                .Select(g => string.Create(Culture,
                    $"t={g.Key} s: {g.Count()} (202 after {Percentiles.Milliseconds(g.Max(pair => toAccepted.GetValueOrDefault(pair.Key))):0} " +
                        $"ms at most)"))
                .ToList();
            return slow.Count <= 8 ? string.Join("; ", slow) : string.Join("; ", slow.Take(8)) + $"; … {slow.Count - 8} more seconds";
        }

        private async Task<ThroughputResult> ThroughputAsync()
        {
            Console.WriteLine($"throughput: {_options.Concurrency} senders for {_options.Seconds} s ({ThroughputCategory}), then up to " +
                $"{DrainLimit.TotalSeconds:0} s for the backlog…");
            var load = new LoadGenerator(context.Http, _server.BaseAddress, stack.SourceToken,
                AlertBodies(_runId, ThroughputOctet, _ => ThroughputCategory));
            var cpuBefore = stack.CpuNow();
            var started = Stopwatch.GetTimestamp();
            var result = await load.RunForAsync(_options.Concurrency, TimeSpan.FromSeconds(_options.Seconds), _cancellationToken);
            var stopped = Stopwatch.GetTimestamp();
            var notifiedAtEnd = target.NotifiedCount(ThroughputOctet);
            IngestionScenario.Report("  sent", result);
            _server.EnsureRunning("the throughput phase");
            if (cpuBefore is not null)
            {
                Console.WriteLine("  " + (stack.CpuNow()! - cpuBefore).CoresBusy(Stopwatch.GetElapsedTime(started, stopped).TotalSeconds));
            }

            var backlog = result.Accepted - notifiedAtEnd;
            Console.WriteLine($"  backlog {backlog} runs; draining…");
            var drained = await WaitUntilAsync(() => target.NotifiedCount(ThroughputOctet) >= result.Accepted, DrainLimit, _cancellationToken);
            var drainEnded = Stopwatch.GetTimestamp();
            var notifiedAfterDrain = target.NotifiedCount(ThroughputOctet);
            var cpu = cpuBefore is null ? null : stack.CpuNow()! - cpuBefore;
            _server.EnsureRunning("the drain");

            // Runs completed per second: /notify arrivals between SteadyAfter and the end of sending.
            var steadyFrom = started + (long)(SteadyAfter.TotalSeconds * Stopwatch.Frequency);
            var steadySeconds = (stopped - steadyFrom) / (double)Stopwatch.Frequency;
            var times = target.NotifyTimes(ThroughputOctet);
            var steady = times.Count(t => t >= steadyFrom && t < stopped);
            var perSecond = new int[Math.Max(1, (int)Math.Floor(steadySeconds))];
            foreach (var t in times)
            {
                var second = (t - steadyFrom) / Stopwatch.Frequency;
                if (t >= steadyFrom && second < perSecond.Length)
                {
                    perSecond[second]++;
                }
            }

            Array.Sort(perSecond);
            var drainSeconds = Stopwatch.GetElapsedTime(stopped, drainEnded).TotalSeconds;
            Console.WriteLine(string.Create(Culture,
                $"  {(drained is { } took ? $"drained in {took.TotalSeconds:0.0} s" : $"not drained after {DrainLimit.TotalSeconds:0} s")}; " +
                    $"{notifiedAfterDrain} of {result.Accepted} runs completed"));
            return new ThroughputResult(
                result,
                steadySeconds > 0 ? steady / steadySeconds : double.NaN,
                perSecond[0], perSecond[perSecond.Length / 2], perSecond[^1],
                notifiedAtEnd, backlog, drained, notifiedAfterDrain,
                drainSeconds > 0 ? (notifiedAfterDrain - notifiedAtEnd) / drainSeconds : double.NaN,
                cpu);
        }
    }

    private sealed record WarmUpResult(long Accepted, int Blocked, int Notified, int ThreeStepRuns, TimeSpan? Took);

    private sealed record LatencyResult(LoadResult Load, long[] ToBlock, int Missing, CpuSample? Cpu, string Slow, long[] ProbeCommits);

    private sealed record ThroughputResult(
        LoadResult Load, double RunsPerSecond, int PerSecondMin, int PerSecondMedian, int PerSecondMax,
        int NotifiedAtEnd, long BacklogAtEnd, TimeSpan? Drained, int NotifiedAfterDrain, double DrainRunsPerSecond, CpuSample? Cpu);
}
