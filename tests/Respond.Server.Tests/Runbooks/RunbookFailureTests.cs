using System.Net;
using System.Text.Json.Nodes;
using Respond.Server.Tests.Infrastructure;

namespace Respond.Server.Tests.Runbooks;

/// <summary>A drill that misses its RTO target fails, and failures of one runbook gather in one open incident from <c>runbooks</c>.</summary>
public sealed class RunbookFailureTests(RunbookFailureTests.App app) : IClassFixture<RunbookFailureTests.App>
{
    public sealed class App : RunbookApp
    {
        // No failover is that fast: every drill misses this target.
        protected override IDictionary<string, string?> RunbookSettings => new Dictionary<string, string?>
        {
            ["Respond:Playbooks:Vars:failover-drill:rtoTargetSeconds"] = "-1",
            ["Respond:Playbooks:Vars:failover-drill:failureSeverity"] = "critical",
        };

        // What a site would have: a playbook that takes over when a runbook fails.
        protected override IEnumerable<(string File, string Json)> TestPlaybooks =>
        [
            ("page-dba.json", """
                { "id": "page-dba", "name": "Page the DBA", "trigger": { "on": "incident.opened",
                    "when": "alerts.some(a => a.source == 'runbooks')" },
                  "steps": [ { "id": "page", "type": "action", "connector": "internal-api", "operation": "request",
                    "input": { "method": "POST", "path": "/pages", "body": { "text": "{{ incident.title }}" } } } ] }
                """),
        ];
    }

    [Fact]
    public async Task A_missed_RTO_fails_the_run_in_words_and_two_failures_are_one_runbooks_incident_with_two_alerts()
    {
        var first = await app.TriggerAsync("failover-drill");
        var run = await app.RunAsync(first, r => r["status"]!.GetValue<string>() is "completed" or "failed", "the first drill to end");

        Assert.Equal("failed", run["status"]!.GetValue<string>());
        Assert.Matches(@"^The failover took [0-9.]+ s to a healthy secondary; the RTO target is -1 s\.$", run["error"]!.GetValue<string>());
        // Failed back all the same: the drill leaves the site on its primary.
        Assert.Single(app.RequestsTo("/site/failback"));

        var incident = await IncidentOfRunbookAsync(alerts: 1);
        Assert.Equal("critical", incident["severity"]!.GetValue<string>());
        Assert.Equal(["runbooks"], incident["sources"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.Contains("Failover drill", incident["title"]!.GetValue<string>(), StringComparison.Ordinal);

        // The incident's playbooks take over like any other's.
        var paged = await app.RunOfAsync(incident["id"]!.GetValue<Guid>(), r => r["status"]!.GetValue<string>() == "completed",
            "the paging playbook to run on the runbook's incident");
        Assert.Equal("page-dba", paged["playbookId"]!.GetValue<string>());
        Assert.Contains(app.RequestsTo("/api/pages"), e => (e.RequestMessage.Body ?? "").Contains("Failover drill", StringComparison.Ordinal));

        var second = await app.TriggerAsync("failover-drill");
        await app.RunAsync(second, r => r["status"]!.GetValue<string>() == "failed", "the second drill to fail");

        var same = await IncidentOfRunbookAsync(alerts: 2);
        Assert.Equal(incident["id"]!.GetValue<Guid>(), same["id"]!.GetValue<Guid>());
        var failures = await app.RunbookRunsAsync("failover-drill");
        Assert.All(failures, f => Assert.NotNull(f!["rtoSeconds"]));
    }

    private async Task<JsonNode> IncidentOfRunbookAsync(int alerts)
    {
        using var viewer = app.As("viewer");
        return await Poll.UntilAsync(async () =>
        {
            var page = await (await viewer.GetAsync("/api/incidents?source=runbooks")).JsonAsync(HttpStatusCode.OK);
            var items = page["items"]!.AsArray();
            Assert.True(items.Count <= 1, $"Failures of one runbook opened {items.Count} incidents.");
            return items.Count == 1
                ? await (await viewer.GetAsync($"/api/incidents/{items[0]!["id"]}")).JsonAsync(HttpStatusCode.OK)
                : null;
        }, i => i?["alerts"]!.AsArray().Count == alerts, TimeSpan.FromSeconds(30), $"one runbooks incident with {alerts} alerts")
            ?? throw new InvalidOperationException("unreachable");
    }
}
