using System.Net;
using System.Text.Json.Nodes;
using Respond.Server.Tests.Infrastructure;

namespace Respond.Server.Tests.Metrics;

/// <summary>
/// The async projections in HotCold mode, the mode for several nodes on one database: a leader is elected with a
/// PostgreSQL advisory lock (Patched.DistributedLock), and it builds the SOC metrics.
/// </summary>
public class HotColdDaemonTests(HotColdDaemonTests.App app) : IClassFixture<HotColdDaemonTests.App>
{
    public sealed class App : RespondApp
    {
        protected override IDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
        {
            ["Respond:Storage:DaemonMode"] = "HotCold",
        };
    }

    [Fact]
    public async Task The_elected_daemon_builds_the_metrics()
    {
        using var responder = app.As("responder");
        await responder.OpenIncidentAsync("hot-cold", "critical");

        using var viewer = app.As("viewer");
        var metrics = await Poll.UntilAsync(
            async () => await (await viewer.GetAsync("/api/metrics/soc")).JsonAsync(HttpStatusCode.OK),
            m => m["bySeverity"]?["critical"]?.GetValue<long>() == 1, TimeSpan.FromSeconds(60), "the metrics projection under HotCold");

        Assert.Equal(1, metrics["total"]!.GetValue<long>());
        Assert.DoesNotContain(app.Logs.Lines, l => l.Contains("TypeLoadException", StringComparison.Ordinal));
    }
}
