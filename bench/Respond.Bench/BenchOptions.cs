using System.Globalization;

namespace Respond.Bench;

/// <summary>What the bench measures: alert ingestion (the default) or the playbook engine.</summary>
internal enum BenchScenario
{
    Ingestion,
    Playbooks,
    Queue,
}

/// <summary>
/// Command line: <c>[--scenario ingestion|playbooks] [--alerts 100000] [--concurrency 32] [--seconds 20|30]
/// [--warmup 2000|1000] [--rate 50] [--server-log-level Warning] [--connection "&lt;conn string&gt;"]</c>.
/// </summary>
internal sealed record BenchOptions(
    BenchScenario Scenario, int Alerts, int Concurrency, int Seconds, int WarmUp, int Rate, string ServerLogLevel, string? Connection)
{
    public const int PgBenchSeconds = 10;

    public const string Usage =
        "usage: dotnet run -c Release --project bench/Respond.Bench -- [--scenario ingestion|playbooks|queue] [--alerts 100000 | 10000 (queue)] "
        + "[--concurrency 32] "
        + "[--seconds 20 (ingestion) | 30 (playbooks)] [--warmup 2000 (ingestion) | 1000 (playbooks)] [--rate 50 (playbooks)] "
        + "[--server-log-level Warning] [--connection \"<conn string>\"]";

    private static readonly string[] LogLevels = ["Trace", "Debug", "Information", "Warning", "Error", "Critical", "None"];

    /// <summary>
    /// HTTP connections the bench may open to the server: one per sender, and for the playbooks' open-loop
    /// phase one per alert in flight at <see cref="Rate"/> (a slow second must not queue sends in the client).
    /// </summary>
    public int MaxConnections => Scenario == BenchScenario.Playbooks ? Math.Max(Concurrency, Rate) + 4 : Concurrency + 4;

    /// <summary>The options, or null (after printing why) when the command line is wrong.</summary>
    public static BenchOptions? Parse(string[] args)
    {
        var options = new BenchOptions(
            BenchScenario.Ingestion, Alerts: 100_000, Concurrency: 32, Seconds: 0, WarmUp: 0, Rate: 50, ServerLogLevel: "Warning", Connection: null);
        int? seconds = null;
        int? warmUp = null;
        int? alerts = null;
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (name is "-h" or "--help")
            {
                Console.WriteLine(Usage);
                return null;
            }

            if (i + 1 >= args.Length)
            {
                return Fail($"{name} needs a value.");
            }

            var value = args[++i];
            switch (name)
            {
                case "--scenario" when Enum.TryParse<BenchScenario>(value, ignoreCase: true, out var scenario) && Enum.IsDefined(scenario):
                    options = options with { Scenario = scenario };
                    break;
                case "--alerts" when Positive(value) is { } n:
                    alerts = n;
                    break;
                case "--concurrency" when Positive(value) is { } n:
                    options = options with { Concurrency = n };
                    break;
                case "--seconds" when Positive(value) is { } n:
                    seconds = n;
                    break;
                case "--warmup" when Positive(value) is { } n:
                    warmUp = n;
                    break;
                case "--rate" when Positive(value) is { } n:
                    options = options with { Rate = n };
                    break;
                case "--server-log-level" when LogLevels.FirstOrDefault(l => l.Equals(value, StringComparison.OrdinalIgnoreCase)) is { } level:
                    options = options with { ServerLogLevel = level };
                    break;
                case "--connection" when !string.IsNullOrWhiteSpace(value):
                    options = options with { Connection = value };
                    break;
                default:
                    return Fail($"Unknown option or bad value: {name} {value}");
            }
        }

        var playbooks = options.Scenario == BenchScenario.Playbooks;
        return options with
        {
            Seconds = seconds ?? (playbooks ? 30 : 20),
            WarmUp = warmUp ?? (playbooks ? 1_000 : 2_000),
            Alerts = alerts ?? (options.Scenario == BenchScenario.Queue ? 10_000 : 100_000),
        };
    }

    private static int? Positive(string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : null;

    private static BenchOptions? Fail(string message)
    {
        Console.Error.WriteLine(message);
        Console.Error.WriteLine(Usage);
        return null;
    }
}
