using System.Net;
using System.Net.Http.Json;
using Respond.Server.Tests.Infrastructure;
using Respond.Server.Tests.Playbooks.Runs;

namespace Respond.Server.Tests.Approvals;

/// <summary>
/// The inbox shows what approving lets run: the next step of the pinned version, its input as authored and as rendered now
/// from the incident, and no secret.
/// </summary>
public class ApprovalContextTests(RunBehaviourApp app) : IClassFixture<RunBehaviourApp>
{
    [Fact]
    public async Task A_pending_approval_names_its_playbook_version_and_the_step_approving_runs()
    {
        var incidentId = await app.AlertAsync("context-1", "Scan from 192.0.2.90", "Recon", ip: "192.0.2.90");
        var runId = await app.StartByHandAsync("responder", incidentId, "ask");
        var approvalId = await app.PendingApprovalAsync(runId);

        using var viewer = app.As("viewer");
        var inbox = await (await viewer.GetAsync("/api/approvals?status=pending")).JsonAsync(HttpStatusCode.OK);
        var item = inbox["items"]!.AsArray().Single(a => a!["id"]!.GetValue<Guid>() == approvalId)!;
        Assert.Equal("Ask then block", item["playbookName"]!.GetValue<string>());
        Assert.Equal(1, item["playbookVersion"]!.GetValue<int>());
        Assert.Equal("responder", item["startedBy"]!.GetValue<string>());
        var next = item["next"]!;
        Assert.Equal("block", next["id"]!.GetValue<string>());
        Assert.Equal("action", next["type"]!.GetValue<string>());
        Assert.Equal("firewall", next["connector"]!.GetValue<string>());
        Assert.Equal("block-ip", next["operation"]!.GetValue<string>());
        Assert.Equal("{{ incident.entities.ips[0] }}", next["input"]!["ip"]!.GetValue<string>());
        Assert.Equal("192.0.2.90", next["rendered"]!["ip"]!.GetValue<string>()); // filled in from the incident, as the step will
        Assert.Null(next["renderError"]);
        Assert.DoesNotContain(PlaybookApp.FirewallToken, inbox.ToJsonString(), StringComparison.Ordinal);

        using var approver = app.As("approver");
        var decided = await (await approver.PostAsJsonAsync($"/api/approvals/{approvalId}/approve", new { comment = "go" }))
            .JsonAsync(HttpStatusCode.OK);
        Assert.Equal("approved", decided["status"]!.GetValue<string>());
        Assert.Equal("block", decided["next"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_approval_whose_approved_path_ends_there_has_no_next_step()
    {
        var incidentId = await app.AlertAsync("context-2", "Scan from 192.0.2.91", "Recon", ip: "192.0.2.91");
        var runId = await app.StartByHandAsync("responder", incidentId, "slow-child");
        var approvalId = await app.PendingApprovalAsync(runId);

        using var viewer = app.As("viewer");
        var inbox = await (await viewer.GetAsync("/api/approvals?status=pending")).JsonAsync(HttpStatusCode.OK);
        var item = inbox["items"]!.AsArray().Single(a => a!["id"]!.GetValue<Guid>() == approvalId)!;
        Assert.Null(item["next"]);
    }
}
