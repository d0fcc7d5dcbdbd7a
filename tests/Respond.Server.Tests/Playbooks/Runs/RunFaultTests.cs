using System.Net;
using System.Net.Http.Json;
using Respond.Domain.Playbooks.Definitions;
using Respond.Server.Playbooks.Library;
using Respond.Server.Tests.Infrastructure;

namespace Respond.Server.Tests.Playbooks.Runs;

public sealed class RunFaultApp : PlaybookApp
{
    protected override IEnumerable<string> ShippedPlaybooks => [];

    /// <summary>
    /// Publishes <paramref name="json"/> without validation, as a version stored before today's rules (a duration
    /// off the calendar) would be.
    /// </summary>
    public Task PublishUncheckedAsync(string json) =>
        Service<PlaybookPublisher>().PublishAsync(PlaybookJson.Parse(json), PlaybookSources.Api, "test", null, CancellationToken.None);
}

/// <summary>A transition that faults ends its run as failed, with the reason, and nothing it did before is done twice.</summary>
public sealed class RunFaultTests(RunFaultApp app) : IClassFixture<RunFaultApp>
{
    [Fact]
    public async Task A_step_that_faults_after_its_call_fails_the_run_with_the_reason_and_the_call_is_made_once()
    {
        await app.PublishUncheckedAsync("""
            { "id": "call-then-wait", "name": "Calls, then waits off the calendar", "trigger": { "on": "manual" }, "steps": [
              { "id": "call", "type": "action", "connector": "internal-api", "operation": "request",
                "input": { "method": "POST", "path": "/fault-once" }, "next": "wait" },
              { "id": "wait", "type": "delay", "duration": "P9000Y" } ] }
            """);
        var incidentId = await app.AlertAsync("fault-1", "Fault after the call", "Recon", ip: "192.0.2.90");

        var runId = await app.StartByHandAsync("responder", incidentId, "call-then-wait");
        var run = await app.RunAsync(runId, r => PlaybookApp.Status(r) != "running", "the run to end");

        Assert.Equal("failed", PlaybookApp.Status(run));
        Assert.Contains("internal error", run["error"]!.GetValue<string>(), StringComparison.Ordinal);
        // Time for a redelivery to repeat the call, had the fault been left to the queue's retries.
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Single(app.RequestsTo("/api/fault-once"));
        Assert.Equal("failed", PlaybookApp.Status(await app.RunAsync(runId, _ => true, "the run")));
    }

    [Fact]
    public async Task A_playbook_whose_start_faults_gets_a_failed_run_and_the_others_on_the_trigger_still_start()
    {
        await app.PublishUncheckedAsync("""
            { "id": "a-waits-off-calendar", "name": "Starts with a wait off the calendar", "trigger": { "on": "incident.severity-changed" },
              "steps": [ { "id": "wait", "type": "delay", "duration": "P9000Y" } ] }
            """);
        await app.PublishUncheckedAsync("""
            { "id": "b-tells", "name": "Tells the channel", "trigger": { "on": "incident.severity-changed" },
              "steps": [ { "id": "tell", "type": "action", "connector": "chat", "operation": "post",
                "input": { "text": "severity of {{ incident.title }}" } } ] }
            """);
        await app.PublishUncheckedAsync("""
            { "id": "c-waits-off-calendar", "name": "Also starts with a wait off the calendar", "trigger": { "on": "incident.severity-changed" },
              "steps": [ { "id": "wait", "type": "delay", "duration": "P9000Y" } ] }
            """);
        using var responder = app.As("responder");
        var id = await responder.OpenIncidentAsync("Fault in a trigger", "medium");

        (await responder.PostAsJsonAsync($"/api/incidents/{id}/severity", new { severity = "high", reason = "spreading" })).EnsureSuccessStatusCode();

        await Poll.UntilAsync(() => Task.FromResult(app.RequestsTo("/hook", "severity of Fault in a trigger").Count), n => n == 1,
            TimeSpan.FromSeconds(15), "the good playbook's message");
        using var viewer = app.As("viewer");
        foreach (var faulty in new[] { "a-waits-off-calendar", "c-waits-off-calendar" })
        {
            var runs = await Poll.UntilAsync(async () =>
                (await (await viewer.GetAsync($"/api/runs?incidentId={id}&playbookId={faulty}")).JsonAsync(HttpStatusCode.OK))["items"]!.AsArray(),
                items => items.Count == 1, TimeSpan.FromSeconds(15), $"a run of {faulty}");
            Assert.Equal("failed", runs[0]!["status"]!.GetValue<string>());
            Assert.Contains("internal error", runs[0]!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        }
    }
}
