using System.Diagnostics;

namespace Respond.Bench;

/// <summary>The summary the scenario prints at its end, and the phases' results it is made of.</summary>
internal static partial class PlaybookScenario
{
    /// <summary>One line of the summary: the label in a column of its own.</summary>
    internal static void Row(string label, string value) => Console.WriteLine($"{label + ":",-44} {value}");

    private static string Ms(double value) => double.IsNaN(value) ? "n/a" : value.ToString("0.0", Culture);

    private static string PercentilesText(Percentiles p) => $"{Ms(p.P50)} / {Ms(p.P90)} / {Ms(p.P99)} / {Ms(p.Max)}";

    private sealed partial class Run
    {
        private void WriteReport(Stopwatch total, WarmUpResult warmUp, TimeSpan? settled, CpuSample? idle, LatencyResult latency,
            ThroughputResult throughput)
        {
            var rss = _server.ResidentBytes() / (1024.0 * 1024.0);
            var keys = IdempotencyCheck.Of(target.Requests);

            Console.WriteLine();
            Console.WriteLine($"== Respond playbook benchmark ({Environment.ProcessorCount} cores)");
            Row("warm-up", string.Create(Culture,
                $"{warmUp.Accepted} alerts; {warmUp.Blocked} blocked, {warmUp.Notified} of {warmUp.ThreeStepRuns} notified, {(warmUp.Took is { } took
                    ? $"done {took.TotalSeconds:0.0} s after the last answer"
                    : $"not all done within {WarmUpLimit.TotalSeconds:0} s")}"));
            Row("settle (server CPU under 0.15 cores)", settled is { } quiet
                ? string.Create(Culture, $"after {quiet.TotalSeconds:0} s")
                : string.Create(Culture, $"not within {SettleLimit.TotalSeconds:0} s: the latency phase shares the cores with it"));
            Row($"idle ({IdleTime.TotalSeconds:0} s), cores busy", idle is null ? "n/a" : string.Create(Culture,
                $"server {idle.Server / IdleTime.TotalSeconds:0.00}, PostgreSQL {(double.IsNaN(idle.PostgreSql)
                    ? "n/a"
                    : (idle.PostgreSql / IdleTime.TotalSeconds).ToString("0.00", Culture))}, others {idle.Others / IdleTime.TotalSeconds:0.00}"));
            Console.WriteLine($"-- latency: {FirstActionPlaybook} (condition, block-ip), "
                + $"open loop at {_options.Rate} alerts/s for {_options.Seconds} s");
            Row("alerts sent / accepted",
                $"{latency.Load.Accepted + latency.Load.ErrorCount} / {latency.Load.Accepted}  ({latency.Load.ErrorCount} errors)");
            Row($"alert → block at target ms ({latency.ToBlock.Length})", $"p50/p90/p99/max {PercentilesText(Percentiles.Of(latency.ToBlock))}");
            Row($"time to 202 ms ({latency.Load.Latencies.Length})", $"p50/p90/p99/max {PercentilesText(Percentiles.Of(latency.Load.Latencies))}");
            Row($"plain 1 KB commit beside it ms ({latency.ProbeCommits.Length})",
                $"p50/p90/p99/max {PercentilesText(Percentiles.Of(latency.ProbeCommits))}  (the disk's own tail, {ProbeCommitsPerSecond}/s)");
            Row($"alerts without a block within {BlockDeadline.TotalSeconds:0} s", latency.Missing.ToString(Culture));
            Row($"slower than {SlowMs} ms, by second sent", latency.Slow.Length == 0 ? "none" : latency.Slow);
            Row("CPU ms per run, server / PostgreSQL", CpuPerRun(latency.Cpu, latency.ToBlock.Length) + "  (2 steps and the alert's ingestion)");
            Console.WriteLine($"-- throughput: {ThreeStepsPlaybook} (condition, block-ip, notify), "
                + $"{_options.Concurrency} senders for {_options.Seconds} s");
            Row("webhook accept rate", string.Create(Culture,
                $"{throughput.Load.PerSecond:0} alerts/s  ({throughput.Load.Accepted} in {throughput.Load.Elapsed.TotalSeconds:0.0} s, "
                + $"{throughput.Load.ErrorCount} errors)"));
            Row($"runs/s completed (after the first {SteadyAfter.TotalSeconds:0} s)", string.Create(Culture,
                $"{throughput.RunsPerSecond:0.0}  (per second min/median/max {throughput.PerSecondMin} / {throughput.PerSecondMedian} / "
                + $"{throughput.PerSecondMax})"));
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
    }

    private sealed record WarmUpResult(long Accepted, int Blocked, int Notified, int ThreeStepRuns, TimeSpan? Took);

    private sealed record LatencyResult(LoadResult Load, long[] ToBlock, int Missing, CpuSample? Cpu, string Slow, long[] ProbeCommits);

    private sealed record ThroughputResult(
        LoadResult Load, double RunsPerSecond, int PerSecondMin, int PerSecondMedian, int PerSecondMax,
        int NotifiedAtEnd, long BacklogAtEnd, TimeSpan? Drained, int NotifiedAfterDrain, double DrainRunsPerSecond, CpuSample? Cpu);
}
