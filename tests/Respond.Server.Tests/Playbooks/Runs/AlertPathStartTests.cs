using System.Net;
using System.Net.Http.Json;
using Marten;
using Respond.Domain.Playbooks.Runs;
using Respond.Server.Playbooks.Runs;
using Respond.Server.Tests.Infrastructure;

namespace Respond.Server.Tests.Playbooks.Runs;

/// <summary>Playbooks that alerts of category QuickStart set off: one that acts, one whose first step changes the incident.</summary>
public abstract class AlertPathApp : PlaybookApp
{
    protected override IEnumerable<string> ShippedPlaybooks => [];

    protected abstract string AlertPathExpressionTime { get; }

    protected override IDictionary<string, string?> ExtraSettings
    {
        get
        {
            var settings = base.ExtraSettings;
            settings["Respond:Playbooks:AlertPathExpressionTime"] = AlertPathExpressionTime;
            return settings;
        }
    }

    protected override IEnumerable<(string File, string Json)> TestPlaybooks =>
    [
        ("tell-on-open.json", """
            { "id": "tell-on-open", "name": "Tell the channel", "trigger": { "on": "incident.opened",
              "when": "alerts.some(a => a.category == 'QuickStart')" },
              "steps": [ { "id": "tell", "type": "action", "connector": "chat", "operation": "post",
                "input": { "text": "Opened: {{ incident.title }}" } } ] }
            """),
        ("raise-on-open.json", """
            { "id": "raise-on-open", "name": "Raise at once", "trigger": { "on": "incident.opened",
              "when": "alerts.some(a => a.category == 'QuickStart')" },
              "steps": [ { "id": "raise", "type": "incident", "severity": "critical", "summary": "Raised on open" } ] }
            """),
    ];
}

/// <summary>Expressions have all the time they need on the alert's path, so a run it can start commits with the alert.</summary>
public sealed class RoomyAlertPathApp : AlertPathApp
{
    protected override string AlertPathExpressionTime => "00:00:05";
}

/// <summary>A 1 ms limit on the alert's path, and a playbook whose <c>when</c> loops for longer (but well inside the full limit).</summary>
public sealed class TightAlertPathApp : AlertPathApp
{
    protected override string AlertPathExpressionTime => "00:00:00.001";

    protected override IEnumerable<(string File, string Json)> TestPlaybooks =>
    [
        .. base.TestPlaybooks,
        ("slow-when.json", """
            { "id": "slow-when", "name": "Weigh it up", "trigger": { "on": "incident.opened",
                "when": "(() => { for (let i = 0; i < 30000; i++) {} return alerts.some(a => a.category == 'QuickStart') })()" },
              "steps": [ { "id": "tell", "type": "action", "connector": "chat", "operation": "post",
                "input": { "text": "Weighed: {{ incident.title }}" } } ] }
            """),
    ];
}

public sealed class AlertPathStartTests(RoomyAlertPathApp app) : IClassFixture<RoomyAlertPathApp>
{
    [Fact]
    public async Task The_run_an_alert_starts_is_there_when_the_alert_is_answered()
    {
        var incidentId = await app.AlertAsync("quick-1", "Suspicious sign-in burst", "QuickStart");

        // No polling: the run committed in the alert's own transaction, before its 202.
        Assert.Equal(1, await app.RunCountAsync(incidentId, "tell-on-open"));

        await Poll.UntilAsync(() => Task.FromResult(app.RequestsTo("/hook", "Opened: Suspicious sign-in burst").Count), n => n >= 1,
            TimeSpan.FromSeconds(15), "the channel told");
        Assert.Single(app.RequestsTo("/hook", "Opened: Suspicious sign-in burst"));
    }

    [Fact]
    public async Task A_playbook_whose_first_step_changes_the_incident_starts_from_the_queue_and_changes_it()
    {
        var incidentId = await app.AlertAsync("quick-2", "Token theft", "QuickStart");

        using var viewer = app.As("viewer");
        var incident = await Poll.UntilAsync(
            async () => await (await viewer.GetAsync($"/api/incidents/{incidentId}")).JsonAsync(HttpStatusCode.OK),
            i => i["severity"]!.GetValue<string>() == "critical", TimeSpan.FromSeconds(15), "the incident raised to critical");
        Assert.Equal("critical", incident["severity"]!.GetValue<string>());
        Assert.Equal(1, await app.RunCountAsync(incidentId, "raise-on-open"));
        Assert.Equal(1, await app.RunCountAsync(incidentId, "tell-on-open"));
    }

    [Fact]
    public async Task An_incident_change_decided_on_a_stale_read_is_not_appended_and_a_fenced_read_appends_it()
    {
        using var responder = app.As("responder");
        var id = await responder.OpenIncidentAsync("Fence check", "medium");
        var store = app.Service<IDocumentStore>();
        var raise = new ChangeIncident("raise", 1, new IncidentChange(null, "critical", null, null, null, null, null));

        // Read plainly, nobody in between: the change goes in (the document's version matches the stream's).
        await using (var quiet = store.LightweightSession())
        {
            var scope = await IncidentScope.ReadAsync(quiet, id, fenced: false, CancellationToken.None);
            Assert.True(scope.Apply(raise with { Change = raise.Change with { Severity = "high" } }, "playbook:test",
                DateTimeOffset.UtcNow).Succeeded);
            Assert.True(await scope.StageAsync(quiet, CancellationToken.None));
            await quiet.SaveChangesAsync();
        }

        await using (var stale = store.LightweightSession())
        {
            var scope = await IncidentScope.ReadAsync(stale, id, fenced: false, CancellationToken.None);
            (await responder.PostAsJsonAsync($"/api/incidents/{id}/severity", new { severity = "low", reason = "moved meanwhile" }))
                .EnsureSuccessStatusCode();
            Assert.True(scope.Apply(raise, "playbook:test", DateTimeOffset.UtcNow).Succeeded);
            Assert.False(await scope.StageAsync(stale, CancellationToken.None));
        }

        await using (var fenced = store.LightweightSession())
        {
            var scope = await IncidentScope.ReadAsync(fenced, id, fenced: true, CancellationToken.None);
            Assert.True(scope.Apply(raise, "playbook:test", DateTimeOffset.UtcNow).Succeeded);
            Assert.True(await scope.StageAsync(fenced, CancellationToken.None));
            await fenced.SaveChangesAsync();
        }

        using var viewer = app.As("viewer");
        var incident = await (await viewer.GetAsync($"/api/incidents/{id}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("critical", incident["severity"]!.GetValue<string>());
    }
}

public sealed class QueuedTriggerTests(TightAlertPathApp app) : IClassFixture<TightAlertPathApp>
{
    [Fact]
    public async Task A_trigger_too_slow_for_the_alert_path_still_starts_its_runs_once_from_the_queue()
    {
        var incidentId = await app.AlertAsync("slow-1", "Impossible travel", "QuickStart");

        await Poll.UntilAsync(() => Task.FromResult(app.RequestsTo("/hook", "Weighed: Impossible travel").Count), n => n >= 1,
            TimeSpan.FromSeconds(15), "the slow playbook's message, via the queue");
        await Poll.UntilAsync(() => Task.FromResult(app.RequestsTo("/hook", "Opened: Impossible travel").Count), n => n >= 1,
            TimeSpan.FromSeconds(15), "the quick playbook's message");
        using var viewer = app.As("viewer");
        await Poll.UntilAsync(
            async () => (await (await viewer.GetAsync($"/api/incidents/{incidentId}")).JsonAsync(HttpStatusCode.OK))["severity"]!.GetValue<string>(),
            s => s == "critical", TimeSpan.FromSeconds(15), "the incident raised to critical");

        // The same alert again is a duplicate: it triggers nothing more.
        Assert.Equal(incidentId, await app.AlertAsync("slow-1", "Impossible travel", "QuickStart"));
        Assert.Equal(1, await app.RunCountAsync(incidentId, "tell-on-open"));
        Assert.Equal(1, await app.RunCountAsync(incidentId, "raise-on-open"));
        Assert.Equal(1, await app.RunCountAsync(incidentId, "slow-when"));
        Assert.Single(app.RequestsTo("/hook", "Opened: Impossible travel"));
        Assert.Single(app.RequestsTo("/hook", "Weighed: Impossible travel"));
    }
}
