using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace Respond.Bench;

internal static partial class PlaybookScenario
{
    /// <summary>The phases: the wait for the playbooks, warm-up, settle, idle, latency, throughput and its drain.</summary>
    private sealed partial class Run
    {
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

            Console.WriteLine($"warning: GET /api/playbooks did not list both bench playbooks within {PlaybooksLimit.TotalSeconds:0} s "
                + $"(last: {last}); going on.");
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
                $"  runs: {blocked} of {expectBlock.Count} blocked, {notified} of {expectNotify.Count} notified, {(done is { } took
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
            Console.WriteLine($"latency: {_options.Rate} alerts/s for {_options.Seconds} s ({LatencyCategory}), "
                + $"then up to {BlockDeadline.TotalSeconds:0} s for the last blocks…");
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
            Console.WriteLine($"  alert → block ms: p50 {Ms(percentiles.P50)}, p90 {Ms(percentiles.P90)}, p99 {Ms(percentiles.P99)}, "
                + $"max {Ms(percentiles.Max)}; {missing} without a block within {BlockDeadline.TotalSeconds:0} s");
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
                    $"t={g.Key} s: {g.Count()} (202 after {Percentiles.Milliseconds(
                        g.Max(pair => toAccepted.GetValueOrDefault(pair.Key))):0} ms at most)"))
                .ToList();
            return slow.Count <= 8 ? string.Join("; ", slow) : string.Join("; ", slow.Take(8)) + $"; … {slow.Count - 8} more seconds";
        }

        private async Task<ThroughputResult> ThroughputAsync()
        {
            Console.WriteLine($"throughput: {_options.Concurrency} senders for {_options.Seconds} s ({ThroughputCategory}), "
                + $"then up to {DrainLimit.TotalSeconds:0} s for the backlog…");
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
                $"  {(drained is { } took ? $"drained in {took.TotalSeconds:0.0} s" : $"not drained after {DrainLimit.TotalSeconds:0} s")}; "
                + $"{notifiedAfterDrain} of {result.Accepted} runs completed"));
            return new ThroughputResult(
                result,
                steadySeconds > 0 ? steady / steadySeconds : double.NaN,
                perSecond[0], perSecond[perSecond.Length / 2], perSecond[^1],
                notifiedAtEnd, backlog, drained, notifiedAfterDrain,
                drainSeconds > 0 ? (notifiedAfterDrain - notifiedAtEnd) / drainSeconds : double.NaN,
                cpu);
        }
    }
}
