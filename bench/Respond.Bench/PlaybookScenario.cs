using System.Diagnostics;
using System.Globalization;
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
/// The server's settings and playbook files are in <c>PlaybookScenario.Setup.cs</c>.
/// </summary>
internal static partial class PlaybookScenario
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
            $"Respond playbook benchmark: {options.WarmUp} warm-up alerts at {WarmUpSpeedUp * options.Rate}/s, "
            + $"latency at {options.Rate} alerts/s for {options.Seconds} s, "
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

    /// <summary>The alert's IP: the phase's first octet, then the sequence number in the other 24 bits.</summary>
    private static string IpOf(int firstOctet, long n) =>
        string.Create(Culture, $"{firstOctet}.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}");

    private static Func<long, byte[]> AlertBodies(string runId, int firstOctet, Func<long, string> category) => n =>
    {
        var ip = IpOf(firstOctet, n);
        var json = string.Create(Culture,
            $$"""{"id":"bench-{{runId}}-{{firstOctet}}-{{n}}","title":"Bench {{category(n)}} """
            + $$"""{{ip}}","severity":"high","category":"{{category(n)}}","entities":[{"ip":"{{ip}}"}]}""");
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

    /// <summary>One run of the scenario against a started stack and target: its phases (<c>.Phases</c>), then its report (<c>.Report</c>).</summary>
    private sealed partial class Run(BenchContext context, BenchStack stack, FirewallTarget target, string logFile)
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
                Console.WriteLine($"The engine ran no playbook: none of the {warmUp.Accepted} warm-up alerts produced a block "
                    + $"within {WarmUpLimit.TotalSeconds:0} s.");
                Console.WriteLine("Check that the server loads playbook files from Respond:Playbooks:Path and starts runs; "
                    + $"its log: {_server.LogLines} lines.");
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

            WriteReport(total, warmUp, settled, idle, latency, throughput);
            return 0;
        }
    }
}
