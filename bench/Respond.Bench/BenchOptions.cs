using System.Globalization;

namespace Respond.Bench;

/// <summary>
/// Command line: <c>[--alerts 100000] [--concurrency 32] [--seconds 20] [--warmup 2000] [--connection "&lt;conn string&gt;"]</c>.
/// </summary>
internal sealed record BenchOptions(int Alerts, int Concurrency, int Seconds, int WarmUp, string? Connection)
{
    public const int PgBenchSeconds = 10;

    public const string Usage =
        "usage: dotnet run -c Release --project bench/Respond.Bench -- [--alerts 100000] [--concurrency 32] [--seconds 20] [--warmup 2000] [--connection \"<conn string>\"]";

    /// <summary>The options, or null (after printing why) when the command line is wrong.</summary>
    public static BenchOptions? Parse(string[] args)
    {
        var options = new BenchOptions(Alerts: 100_000, Concurrency: 32, Seconds: 20, WarmUp: 2_000, Connection: null);
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
                case "--alerts" when Positive(value) is { } n:
                    options = options with { Alerts = n };
                    break;
                case "--concurrency" when Positive(value) is { } n:
                    options = options with { Concurrency = n };
                    break;
                case "--seconds" when Positive(value) is { } n:
                    options = options with { Seconds = n };
                    break;
                case "--warmup" when Positive(value) is { } n:
                    options = options with { WarmUp = n };
                    break;
                case "--connection" when !string.IsNullOrWhiteSpace(value):
                    options = options with { Connection = value };
                    break;
                default:
                    return Fail($"Unknown option or bad value: {name} {value}");
            }
        }

        return options;
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
