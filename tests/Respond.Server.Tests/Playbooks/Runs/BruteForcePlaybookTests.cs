using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Respond.Server.Tests.Infrastructure;

namespace Respond.Server.Tests.Playbooks.Runs;

/// <summary>The shipped contain-brute-force playbook, end to end: alert in, approval, one block at the firewall, contained.</summary>
public sealed class BruteForcePlaybookTests(PlaybookApp app) : IClassFixture<PlaybookApp>
{
    [Fact]
    public async Task An_approved_run_blocks_the_source_ip_once_with_the_idempotency_key_and_contains_the_incident()
    {
        var incidentId = await app.AlertAsync("bf-approve", "Brute force against vpn-1", "BruteForce", ip: "198.51.100.10",
            account: "alice@contoso.com");

        var waiting = await app.RunOfAsync(incidentId, r => PlaybookApp.Status(r) == "waiting", "the run waiting for approval");
        var runId = waiting["id"]!.GetValue<Guid>();
        Assert.Equal("contain-brute-force", waiting["playbookId"]!.GetValue<string>());
        Assert.Equal("waiting", PlaybookApp.Step(waiting, "approve")["status"]!.GetValue<string>());
        Assert.Single(app.RequestsTo("/hook", "198.51.100.10"));
        Assert.Empty(app.RequestsTo("/blocks", "198.51.100.10"));

        var approvalId = await app.PendingApprovalAsync(runId);
        using var approver = app.As("approver");
        var approval = await (await approver.PostAsJsonAsync($"/api/approvals/{approvalId}/approve", new { comment = "confirmed" }))
            .JsonAsync(HttpStatusCode.OK);
        Assert.Equal("approved", approval["status"]!.GetValue<string>());

        var done = await app.RunAsync(runId, r => PlaybookApp.Status(r) is "completed" or "failed", "the run to end");
        Assert.Equal("completed", PlaybookApp.Status(done));
        var block = Assert.Single(app.RequestsTo("/blocks", "198.51.100.10"));
        Assert.Equal($"{runId}:block", block.RequestMessage.Headers!["Idempotency-Key"].Single());
        Assert.Equal($"Bearer {PlaybookApp.FirewallToken}", block.RequestMessage.Headers!["Authorization"].Single());
        Assert.Equal("198.51.100.10", JsonNode.Parse(block.RequestMessage.Body!)!["ip"]!.GetValue<string>());
        Assert.Single(app.RequestsTo("/v1.0/users/alice@contoso.com/revokeSignInSessions"));

        using var viewer = app.As("viewer");
        var incident = await (await viewer.GetAsync($"/api/incidents/{incidentId}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("contained", incident["status"]!.GetValue<string>());
        Assert.Equal(runId, incident["runs"]![0]!["id"]!.GetValue<Guid>());
        Assert.Equal("completed", incident["runs"]![0]!["status"]!.GetValue<string>());

        var timeline = (await (await viewer.GetAsync($"/api/incidents/{incidentId}/timeline")).JsonAsync(HttpStatusCode.OK))["items"]!.AsArray();
        var types = timeline.Select(e => e!["type"]!.GetValue<string>()).ToList();
        Assert.Equal(["IncidentOpened", "PlaybookRunStarted", "ApprovalRequested", "ApprovalGranted", "IncidentContained", "PlaybookRunCompleted"],
            types.Where(t => t is not ("CommentAdded" or "StepFailed")));
        var granted = timeline.Single(e => e!["type"]!.GetValue<string>() == "ApprovalGranted")!;
        Assert.Equal("approver", granted["actor"]!.GetValue<string>());
        Assert.Equal(runId, granted["runId"]!.GetValue<Guid>());
        Assert.Equal("playbook:contain-brute-force",
            timeline.Single(e => e!["type"]!.GetValue<string>() == "IncidentContained")!["actor"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_rejected_run_blocks_nothing_and_still_completes()
    {
        var incidentId = await app.AlertAsync("bf-reject", "Brute force against vpn-2", "BruteForce", ip: "198.51.100.11");
        var waiting = await app.RunOfAsync(incidentId, r => PlaybookApp.Status(r) == "waiting", "the run waiting for approval");
        var runId = waiting["id"]!.GetValue<Guid>();

        using var approver = app.As("approver");
        var approvalId = await app.PendingApprovalAsync(runId);
        (await approver.PostAsJsonAsync($"/api/approvals/{approvalId}/reject", new { comment = "that is our scanner" })).EnsureSuccessStatusCode();

        var done = await app.RunAsync(runId, r => PlaybookApp.Status(r) is "completed" or "failed", "the run to end");
        Assert.Equal("completed", PlaybookApp.Status(done));
        Assert.Equal("skipped", PlaybookApp.Step(done, "block")["status"]!.GetValue<string>());
        Assert.Empty(app.RequestsTo("/blocks", "198.51.100.11"));
        using var viewer = app.As("viewer");
        var incident = await (await viewer.GetAsync($"/api/incidents/{incidentId}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("new", incident["status"]!.GetValue<string>());
        var timeline = (await (await viewer.GetAsync($"/api/incidents/{incidentId}/timeline")).JsonAsync(HttpStatusCode.OK))["items"]!.AsArray();
        Assert.Contains(timeline, e => e!["type"]!.GetValue<string>() == "ApprovalRejected" && e["actor"]!.GetValue<string>() == "approver");
    }

    [Fact]
    public async Task A_redelivered_alert_does_not_start_the_playbook_twice()
    {
        var incidentId = await app.AlertAsync("bf-twice", "Brute force against vpn-3", "BruteForce", ip: "198.51.100.12");
        await app.AlertAsync("bf-twice", "Brute force against vpn-3", "BruteForce", ip: "198.51.100.12");
        await app.RunOfAsync(incidentId, r => PlaybookApp.Status(r) == "waiting", "the run waiting for approval");

        using var viewer = app.As("viewer");
        var runs = await (await viewer.GetAsync($"/api/runs?incidentId={incidentId}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(1, runs["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task An_alert_the_trigger_does_not_match_starts_no_run()
    {
        var incidentId = await app.AlertAsync("not-bf", "Disk almost full", "Capacity", ip: "198.51.100.13");
        // A matching alert sent after it starts its run; by then the first would have started too.
        var other = await app.AlertAsync("bf-after", "Brute force against vpn-4", "BruteForce", ip: "198.51.100.14");
        await app.RunOfAsync(other, r => PlaybookApp.Status(r) == "waiting", "the matching alert's run");

        using var viewer = app.As("viewer");
        var runs = await (await viewer.GetAsync($"/api/runs?incidentId={incidentId}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(0, runs["total"]!.GetValue<int>());
    }
}
