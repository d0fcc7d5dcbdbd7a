using System.Diagnostics;

namespace Respond.Bench;

/// <summary>Latency figures from Stopwatch ticks, in milliseconds.</summary>
internal sealed record Percentiles(double P50, double P90, double P99, double Max)
{
    public static Percentiles Of(long[] ticks)
    {
        if (ticks.Length == 0)
        {
            return new Percentiles(double.NaN, double.NaN, double.NaN, double.NaN);
        }

        var sorted = (long[])ticks.Clone();
        Array.Sort(sorted);
        return new Percentiles(At(sorted, 0.50), At(sorted, 0.90), At(sorted, 0.99), Milliseconds(sorted[^1]));
    }

    public static double Milliseconds(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    // Nearest rank: the smallest value with at least p of the samples at or below it.
    private static double At(long[] sorted, double p) =>
        Milliseconds(sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)]);
}
