using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Respond.Server.Tests.Infrastructure;
using Respond.Server.Tests.Playbooks.Runs;

namespace Respond.Server.Tests.Snapshots;

/// <summary>
/// The public JSON of incidents, timelines, runs and approvals, pinned by snapshots: a refactoring of the read and write
/// models must not change what the console and integrators read.
/// </summary>
public class PublicJsonSnapshotTests(PublicJsonSnapshotTests.App app) : IClassFixture<PublicJsonSnapshotTests.App>
{
    public sealed class App : PlaybookApp
    {
        protected override IEnumerable<string> ShippedPlaybooks => [];

        protected override IEnumerable<(string File, string Json)> TestPlaybooks =>
        [
            ("snapshot-approve.json", """
            { "id": "snapshot-approve", "name": "Approve, then contain", "trigger": { "on": "manual" },
              "steps": [
                { "id": "high", "type": "condition", "if": "incident.severity == 'high'", "next": { "true": "approve", "false": "done" } },
                { "id": "approve", "type": "approval", "approvers": { "roles": ["approver"] }, "timeout": "PT30M",
                  "next": { "approved": "contain", "rejected": "done", "expired": "done" } },
                { "id": "contain", "type": "incident", "status": "contained", "summary": "Contained by the playbook", "next": "done" },
                { "id": "done", "type": "end" } ] }
            """),
        ];
    }

    [Fact]
    public async Task Incidents_runs_and_approvals_keep_their_public_json()
    {
        var incidentId = await app.AlertAsync("snapshot-1", "Snapshot alert", "SignIn", ip: "203.0.113.9", host: "web-01");
        using var responder = app.As("responder");
        using var viewer = app.As("viewer");
        using var approver = app.As("approver");
        await (await responder.PostJsonAsync($"/api/incidents/{incidentId}/acknowledge", null)).JsonAsync(HttpStatusCode.OK);
        await (await responder.PostJsonAsync($"/api/incidents/{incidentId}/assign", new { assignee = "alice" })).JsonAsync(HttpStatusCode.OK);
        await (await responder.PostJsonAsync($"/api/incidents/{incidentId}/comments", new { text = "Looking into it" })).JsonAsync(HttpStatusCode.OK);
        await (await responder.PostJsonAsync($"/api/incidents/{incidentId}/observables", new { type = "ip", value = "198.51.100.7" }))
            .JsonAsync(HttpStatusCode.OK);

        var runId = await app.StartByHandAsync("responder", incidentId, "snapshot-approve");
        JsonSnapshot.Matches("run-waiting", await app.RunAsync(runId, r => PlaybookApp.Status(r) == "waiting", "the run to wait for approval"));
        var approvalId = await app.PendingApprovalAsync(runId);
        var inbox = await (await viewer.GetAsync("/api/approvals?status=pending")).JsonAsync(HttpStatusCode.OK);
        JsonSnapshot.Matches("approvals-pending", inbox);

        await (await approver.PostAsJsonAsync($"/api/approvals/{approvalId}/approve", new { comment = "Go" })).JsonAsync(HttpStatusCode.OK);
        JsonSnapshot.Matches("run-completed", await app.RunAsync(runId, r => PlaybookApp.Status(r) == "completed", "the run to complete"));
        JsonSnapshot.Matches("approvals-decided", await (await viewer.GetAsync("/api/approvals?status=approved")).JsonAsync(HttpStatusCode.OK));

        JsonSnapshot.Matches("incident", await (await viewer.GetAsync($"/api/incidents/{incidentId}")).JsonAsync(HttpStatusCode.OK));
        JsonSnapshot.Matches("incident-version-1",
            await (await viewer.GetAsync($"/api/incidents/{incidentId}?version=1")).JsonAsync(HttpStatusCode.OK));
        JsonSnapshot.Matches("timeline", await (await viewer.GetAsync($"/api/incidents/{incidentId}/timeline")).JsonAsync(HttpStatusCode.OK));
        JsonSnapshot.Matches("incident-list", await (await viewer.GetAsync("/api/incidents?q=Snapshot")).JsonAsync(HttpStatusCode.OK));
        JsonSnapshot.Matches("runs-of-incident", await (await viewer.GetAsync($"/api/runs?incidentId={incidentId}")).JsonAsync(HttpStatusCode.OK));
    }
}
