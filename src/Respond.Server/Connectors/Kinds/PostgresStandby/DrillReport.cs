using System.Globalization;
using System.Text.Json.Nodes;

namespace Respond.Server.Connectors.Kinds.PostgresStandby;

/// <summary>What a drill measured so far: the step's output when it passes, and <see cref="ConnectorException.Output"/> when not.</summary>
internal sealed class DrillReport(TimeSpan rtoTarget)
{
    public TimeSpan RtoTarget { get; } = rtoTarget;

    public Canary? Canary { get; set; }

    public bool? CanaryFound { get; set; }

    public TimeSpan? StandbyReady { get; set; }

    public ReplayLag? Lag { get; set; }

    public TimeSpan? Rto { get; set; }

    /// <summary>What keeps the drill from passing, in words; empty when it passed.</summary>
    public List<string> Problems()
    {
        var problems = new List<string>();
        if (CanaryFound is false)
        {
            problems.Add($"the canary row {Canary!.Id} written on the primary before the copy was made is missing on the promoted copy");
        }

        if (Rto is { } rto && rto > RtoTarget)
        {
            problems.Add($"RTO {Seconds(rto)} s missed its target of {Seconds(RtoTarget)} s");
        }

        return problems;
    }

    public JsonObject ToJson(bool passed) => new()
    {
        ["rtoSeconds"] = Rounded(Rto),
        ["rtoTargetSeconds"] = Rounded(RtoTarget),
        ["rpoSeconds"] = Lag is { } lag ? Math.Round(lag.Seconds, 3) : null,
        ["rpoBytes"] = Lag?.Bytes,
        ["canary"] = Canary is { } canary
            ? new JsonObject { ["id"] = canary.Id.ToString(), ["lsn"] = canary.Lsn, ["found"] = CanaryFound }
            : null,
        ["standbyReadySeconds"] = Rounded(StandbyReady),
        ["passed"] = passed,
    };

    private static double? Rounded(TimeSpan? duration) => duration is { } d ? Math.Round(d.TotalSeconds, 3) : null;

    private static string Seconds(TimeSpan duration) => duration.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
}
