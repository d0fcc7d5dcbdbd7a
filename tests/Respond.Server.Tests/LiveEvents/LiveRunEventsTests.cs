using System.Net;
using System.Net.Http.Json;
using Respond.Server.Tests.Infrastructure;
using Respond.Server.Tests.Playbooks.Runs;

namespace Respond.Server.Tests.LiveEvents;

public sealed class LiveRunsApp : PlaybookApp
{
    protected override IEnumerable<string> ShippedPlaybooks => [];

    protected override IEnumerable<(string File, string Json)> TestPlaybooks =>
    [
        ("ask-live.json", """
            { "id": "ask-live", "name": "Ask before anything", "trigger": { "on": "manual" }, "steps": [
              { "id": "approve", "type": "approval", "approvers": { "roles": ["approver"] }, "timeout": "PT1H" } ] }
            """),
    ];
}

/// <summary>Runs and their approvals on the live feed, each naming its run, its incident and, for approvals, the approval.</summary>
public class LiveRunEventsTests(LiveRunsApp app) : IClassFixture<LiveRunsApp>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task A_run_pausing_for_approval_and_its_rejection_arrive_with_run_incident_and_approval_ids()
    {
        await using var stream = await SseStream.OpenOkAsync(app.As("viewer"));
        var incident = await app.AlertAsync($"run-live-{Guid.NewGuid():N}", "Needs a decision", "Recon", ip: "192.0.2.77");
        var run = await app.StartByHandAsync("responder", incident, "ask-live");

        bool Is(SseFrame f, string kind, string type) =>
            f.Event == kind && f.Json["type"]!.GetValue<string>() == type && f.Json["runId"]?.GetValue<Guid>() == run;

        var started = (await stream.UntilAsync(f => Is(f, "run", "PlaybookRunStarted"), Deadline, "the run"))[^1].Json;
        Assert.Equal(run, started["id"]!.GetValue<Guid>());
        Assert.Equal(incident, started["incidentId"]!.GetValue<Guid>());
        Assert.Equal("responder", started["actor"]!.GetValue<string>());

        var requested = (await stream.UntilAsync(f => Is(f, "approval", "ApprovalRequested"), Deadline, "the approval request"))[^1].Json;
        var approval = requested["approvalId"]!.GetValue<Guid>();
        Assert.Equal(approval, await app.PendingApprovalAsync(run));
        Assert.Equal(incident, requested["incidentId"]!.GetValue<Guid>());
        Assert.Equal("approve", requested["stepId"]!.GetValue<string>());

        var reject = await app.As("approver").PostAsJsonAsync($"/api/approvals/{approval}/reject", new { comment = "not today, a secret reason" });
        Assert.Equal(HttpStatusCode.OK, reject.StatusCode);
        var frames = await stream.UntilAsync(f => Is(f, "run", "PlaybookRunCompleted"), Deadline, "the run's end");
        var rejected = frames.Single(f => Is(f, "approval", "ApprovalRejected")).Json;
        Assert.Equal(approval, rejected["approvalId"]!.GetValue<Guid>());
        Assert.Equal(incident, rejected["incidentId"]!.GetValue<Guid>()); // looked up: the event itself does not name it
        Assert.Equal("approver", rejected["actor"]!.GetValue<string>());
        Assert.Equal(incident, frames[^1].Json["incidentId"]!.GetValue<Guid>());
        Assert.All(frames, f => Assert.DoesNotContain("secret reason", f.Data, StringComparison.Ordinal));
        var versions = frames.Where(f => f.Json["runId"]?.GetValue<Guid>() == run).Select(f => f.Json["version"]!.GetValue<long>()).ToList();
        Assert.Equal(versions.Order(), versions);
        Assert.True(versions[0] > requested["version"]!.GetValue<long>());
    }
}
