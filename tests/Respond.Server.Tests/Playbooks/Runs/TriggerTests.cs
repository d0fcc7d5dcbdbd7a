using System.Net;
using System.Net.Http.Json;
using Respond.Server.Tests.Infrastructure;

namespace Respond.Server.Tests.Playbooks.Runs;

public sealed class TriggerApp : PlaybookApp
{
    protected override IEnumerable<string> ShippedPlaybooks => [];

    protected override IEnumerable<(string File, string Json)> TestPlaybooks =>
    [
        ("on-critical.json", """
            { "id": "on-critical", "name": "Page on critical", "trigger": { "on": "incident.severity-changed",
              "when": "incident.severity == 'critical'" },
              "steps": [ { "id": "page", "type": "action", "connector": "chat", "operation": "post",
                "input": { "text": "CRITICAL: {{ incident.title }}" } } ] }
            """),
        ("on-correlated.json", """
            { "id": "on-correlated", "name": "Tell on a joined alert", "trigger": { "on": "alert.correlated", "when": "alerts.length >= 2" },
              "steps": [ { "id": "tell", "type": "action", "connector": "chat", "operation": "post",
                "input": { "text": "{{ incident.title }} now has {{ alerts.length }} alerts" } } ] }
            """),
        ("raise.json", """
            { "id": "raise", "name": "Raise to critical", "trigger": { "on": "manual" },
              "steps": [ { "id": "raise", "type": "incident", "severity": "critical", "summary": "Raised by a playbook" } ] }
            """),
    ];
}

/// <summary>Trigger kinds other than incident.opened, and the guard that keeps playbooks from triggering playbooks.</summary>
public sealed class TriggerTests(TriggerApp app) : IClassFixture<TriggerApp>
{
    [Fact]
    public async Task A_severity_change_by_a_responder_starts_the_playbook_each_time_its_when_holds()
    {
        using var responder = app.As("responder");
        var id = await responder.OpenIncidentAsync("Payment API errors", "medium");

        (await responder.PostAsJsonAsync($"/api/incidents/{id}/severity", new { severity = "high", reason = "spreading" })).EnsureSuccessStatusCode();
        (await responder.PostAsJsonAsync($"/api/incidents/{id}/severity",
            new { severity = "critical", reason = "outage" })).EnsureSuccessStatusCode();
        await Poll.UntilAsync(() => app.RunCountAsync(id, "on-critical"), n => n == 1, TimeSpan.FromSeconds(15), "a run for the change to critical");
        (await responder.PostAsJsonAsync($"/api/incidents/{id}/severity", new { severity = "high", reason = "mitigated" })).EnsureSuccessStatusCode();
        (await responder.PostAsJsonAsync($"/api/incidents/{id}/severity", new { severity = "critical", reason = "again" })).EnsureSuccessStatusCode();

        await Poll.UntilAsync(() => app.RunCountAsync(id, "on-critical"), n => n == 2, TimeSpan.FromSeconds(15),
            "a second run for the second change to critical");
        await Poll.UntilAsync(() => Task.FromResult(app.RequestsTo("/hook", "CRITICAL: Payment API errors").Count), n => n == 2,
            TimeSpan.FromSeconds(15), "two pages");
    }

    [Fact]
    public async Task A_trigger_the_queue_reaches_late_is_judged_on_the_incident_as_its_event_left_it()
    {
        // Under load the suite once saw two runs: the change to "high" was evaluated after the change to "critical".
        using var responder = app.As("responder");
        var id = await responder.OpenIncidentAsync("Late trigger", "medium");
        var high = await (await responder.PostAsJsonAsync($"/api/incidents/{id}/severity", new { severity = "high", reason = "spreading" }))
            .JsonAsync(HttpStatusCode.OK);
        (await responder.PostAsJsonAsync($"/api/incidents/{id}/severity", new { severity = "critical", reason = "outage" }))
            .EnsureSuccessStatusCode();
        await Poll.UntilAsync(() => app.RunCountAsync(id, "on-critical"), n => n == 1, TimeSpan.FromSeconds(15), "the run for critical");

        // The change to "high" evaluated only now, as a lagging queue would.
        var late = new Respond.Server.Playbooks.Runs.EvaluateTriggers(id, "incident.severity-changed", $"late:{id}",
            AsOfVersion: high["version"]!.GetValue<long>());
        await new Wolverine.Runtime.MessageContext(app.Service<Wolverine.Runtime.IWolverineRuntime>()).InvokeAsync(late);

        Assert.Equal(1, await app.RunCountAsync(id, "on-critical"));
    }

    [Fact]
    public async Task The_same_trigger_evaluated_twice_at_once_starts_one_run()
    {
        using var responder = app.As("responder");
        var id = await responder.OpenIncidentAsync("Database down", "critical");
        var runtime = app.Service<Wolverine.Runtime.IWolverineRuntime>();
        var trigger = new Respond.Server.Playbooks.Runs.EvaluateTriggers(id, "incident.severity-changed", $"test:{id}");

        // Invoked inline and concurrently, as a redelivery racing the original would be.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => new Wolverine.Runtime.MessageContext(runtime).InvokeAsync(trigger)));
        await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => new Wolverine.Runtime.MessageContext(runtime).InvokeAsync(trigger)));

        Assert.Equal(1, await app.RunCountAsync(id, "on-critical"));
    }

    [Fact]
    public async Task A_correlated_alert_starts_the_alert_correlated_playbook()
    {
        using var client = app.Anonymous();
        var answer = await (await client.SendAsync(Samples.Delivery("alertmanager", Samples.Read("alertmanager/firing-two-alerts.json"))))
            .JsonAsync(HttpStatusCode.Accepted);
        var alerts = answer["alerts"]!.AsArray();
        Assert.Equal(["opened", "correlated"], alerts.Select(a => a!["disposition"]!.GetValue<string>()));
        var incidentId = alerts[0]!["incidentId"]!.GetValue<Guid>();

        var run = await app.RunOfAsync(incidentId, r => PlaybookApp.Status(r) == "completed", "the alert.correlated run");

        Assert.Equal("alert.correlated", run["trigger"]!.GetValue<string>());
        Assert.Contains("now has 2 alerts", PlaybookApp.Step(run, "tell")["input"]!["text"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_change_a_playbook_makes_does_not_trigger_playbooks()
    {
        using var responder = app.As("responder");
        var id = await responder.OpenIncidentAsync("Raised by automation", "medium");

        var runId = await app.StartByHandAsync("responder", id, "raise");
        await app.RunAsync(runId, r => PlaybookApp.Status(r) == "completed", "the raise run");
        // A person's change to critical afterwards is still a trigger: the guard is about who acted, not what changed.
        (await responder.PostAsJsonAsync($"/api/incidents/{id}/severity", new { severity = "high", reason = "down" })).EnsureSuccessStatusCode();
        (await responder.PostAsJsonAsync($"/api/incidents/{id}/severity", new { severity = "critical", reason = "up" })).EnsureSuccessStatusCode();
        await Poll.UntilAsync(() => app.RunCountAsync(id, "on-critical"), n => n >= 1, TimeSpan.FromSeconds(15), "the person's change to trigger");

        Assert.Equal(1, await app.RunCountAsync(id, "on-critical"));
    }
}
