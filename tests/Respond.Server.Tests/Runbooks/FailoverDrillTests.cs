using System.Net;
using Respond.Server.Runbooks;
using Respond.Server.Tests.Infrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Respond.Server.Tests.Runbooks;

/// <summary>The shipped <c>failover-drill</c> against a site that takes a while to bring its secondary up.</summary>
public sealed class FailoverDrillTests(FailoverDrillTests.App app) : IClassFixture<FailoverDrillTests.App>
{
    public sealed class App : RunbookApp
    {
        protected override IDictionary<string, string?> RunbookSettings => new Dictionary<string, string?>
        {
            ["Respond:Playbooks:Vars:failover-drill:rtoTargetSeconds"] = "120",
        };

        public override async Task InitializeAsync()
        {
            // The secondary answers 503 once after the failover, then healthy: the drill polls through it.
            Targets.Given(Request.Create().WithPath("/site/secondary/health").UsingGet()).InScenario("secondary")
                .WillSetStateTo("up").AtPriority(10)
                .RespondWith(Response.Create().WithStatusCode(503).WithBody("starting"));
            await base.InitializeAsync();
        }
    }

    [Fact]
    public async Task A_drill_fails_over_waits_for_the_secondary_fails_back_and_reports_its_RTO_within_target()
    {
        var runId = await app.TriggerAsync("failover-drill");
        // One drill at a time: pressing "run now" again while it runs starts nothing, and says which run is going.
        using (var responder = app.As("responder"))
        {
            var again = await (await responder.PostAsync("/api/runbooks/failover-drill/trigger", null)).ProblemAsync(HttpStatusCode.Conflict);
            Assert.Equal(runId, again["runId"]!.GetValue<Guid>());
        }

        // Nor does the schedule: a slot that finds the drill still going starts nothing.
        var slot = await app.Service<RunbookStarter>().StartSlotAsync("failover-drill", DateTimeOffset.UtcNow, CancellationToken.None);
        Assert.Null(slot);

        var run = await app.RunAsync(runId, r => Status(r) is "completed" or "failed", "the drill to end");

        Assert.Equal("completed", Status(run));
        var result = await Poll.UntilAsync(async () => (await app.RunbookRunsAsync("failover-drill")).FirstOrDefault(), r => r is not null,
            TimeSpan.FromSeconds(5), "the drill in the runbook's history");
        var rto = result!["rtoSeconds"]!.GetValue<double>();
        Assert.InRange(rto, 4, 60); // one 503, then the 5 s retry delay
        Assert.Equal(120, result["rtoTargetSeconds"]!.GetValue<double>());
        Assert.Equal(runId, result["runId"]!.GetValue<Guid>());
        // In order: primary checked, failed over, secondary polled until healthy, failed back, primary verified.
        Assert.Single(await app.RunbookRunsAsync("failover-drill"));
        var calls = app.Targets.LogEntries.Where(e => e.RequestMessage.Path.StartsWith("/site/", StringComparison.Ordinal))
            .OrderBy(e => e.RequestMessage.DateTime).Select(e => e.RequestMessage.Path).ToList();
        Assert.Equal(["/site/primary/health", "/site/failover", "/site/secondary/health", "/site/secondary/health", "/site/failback",
            "/site/primary/health"], calls);
        var last = (await app.RunbookAsync("failover-drill"))["lastRun"]!;
        Assert.Equal("completed", last["status"]!.GetValue<string>());
    }

    private static string Status(System.Text.Json.Nodes.JsonNode run) => run["status"]!.GetValue<string>();
}
