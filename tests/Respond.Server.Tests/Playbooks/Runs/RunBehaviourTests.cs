using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Respond.Server.Tests.Infrastructure;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Respond.Server.Tests.Playbooks.Runs;

public sealed class RunBehaviourApp : PlaybookApp
{
    protected override IEnumerable<string> ShippedPlaybooks => [];

    protected override IEnumerable<(string File, string Json)> TestPlaybooks =>
    [
        ("flaky-block.json", """
            { "id": "flaky-block", "name": "Block with retries", "trigger": { "on": "manual" }, "steps": [
              { "id": "block", "type": "action", "connector": "firewall", "operation": "block-ip",
                "input": { "ip": "{{ incident.entities.ips[0] }}" }, "retry": { "maxAttempts": 5, "delay": "PT0.2S" } } ] }
            """),
        ("ask.json", """
            { "id": "ask", "name": "Ask then block", "trigger": { "on": "manual" }, "steps": [
              { "id": "approve", "type": "approval", "approvers": { "roles": ["approver"] }, "timeout": "PT1H", "next": { "approved": "block" } },
              { "id": "block", "type": "action", "connector": "firewall", "operation": "block-ip",
                "input": { "ip": "{{ incident.entities.ips[0] }}" } } ] }
            """),
        ("expiring.json", """
            { "id": "expiring", "name": "Approval that expires", "trigger": { "on": "manual" }, "steps": [
              { "id": "approve", "type": "approval", "approvers": { "roles": ["approver"] }, "timeout": "PT1S",
                "next": { "approved": "block", "expired": "note" } },
              { "id": "block", "type": "action", "connector": "firewall", "operation": "block-ip",
                "input": { "ip": "{{ incident.entities.ips[0] }}" } },
              { "id": "note", "type": "incident", "comment": "Nobody approved in time." } ] }
            """),
        ("fail-beside-approval.json", """
            { "id": "fail-beside-approval", "name": "A branch fails while another waits", "trigger": { "on": "manual" }, "steps": [
              { "id": "both", "type": "parallel", "branches": ["ask", "boom"] },
              { "id": "ask", "type": "approval", "approvers": { "roles": ["approver"] } },
              { "id": "boom", "type": "action", "connector": "firewall", "operation": "block-ip", "input": { "ip": "not-an-address" } } ] }
            """),
        ("slow-child.json", """
            { "id": "slow-child", "name": "Waits for a long time", "trigger": { "on": "manual" }, "steps": [
              { "id": "ask", "type": "approval", "approvers": { "roles": ["approver"] }, "timeout": "P1D" } ] }
            """),
        ("impatient-parent.json", """
            { "id": "impatient-parent", "name": "Gives its child one second", "trigger": { "on": "manual" }, "steps": [
              { "id": "child", "type": "playbook", "playbook": "slow-child", "timeout": "PT1S", "next": { "error": "note" } },
              { "id": "note", "type": "incident", "comment": "The child playbook took too long." } ] }
            """),
        ("ask-child.json", """
            { "id": "ask-child", "name": "A child that asks", "trigger": { "on": "manual" }, "steps": [
              { "id": "approve", "type": "approval", "approvers": { "roles": ["approver"] }, "timeout": "PT1H", "next": { "approved": "block" } },
              { "id": "block", "type": "action", "connector": "firewall", "operation": "block-ip",
                "input": { "ip": "{{ incident.entities.ips[0] }}" } } ] }
            """),
        ("ask-through-child.json", """
            { "id": "ask-through-child", "name": "Asks through a sub-playbook", "trigger": { "on": "manual" }, "steps": [
              { "id": "child", "type": "playbook", "playbook": "ask-child", "timeout": "PT1H" } ] }
            """),
        ("isolate-device.json", """
            { "id": "isolate-device", "name": "Isolate a device by a value", "trigger": { "on": "manual" }, "steps": [
              { "id": "isolate", "type": "action", "connector": "internal-api", "operation": "request",
                "input": { "method": "POST", "path": "/devices/{{ vars.device }}/isolate" } } ] }
            """),
        ("whole-path.json", """
            { "id": "whole-path", "name": "A path given whole", "trigger": { "on": "manual" }, "steps": [
              { "id": "call", "type": "action", "connector": "internal-api", "operation": "request",
                "input": { "method": "POST", "path": "{{ vars.path }}" } } ] }
            """),
        ("runaway.json", """
            { "id": "runaway", "name": "Runaway expression", "trigger": { "on": "manual" }, "steps": [
              { "id": "spin", "type": "condition", "if": "(() => { while (true) {} })()" } ] }
            """),
        ("ssrf.json", """
            { "id": "ssrf", "name": "Made-up address", "trigger": { "on": "manual" }, "steps": [
              { "id": "metadata", "type": "action", "connector": "internal-api", "operation": "request",
                "input": { "method": "GET", "path": "http://169.254.169.254/latest/meta-data/iam" }, "next": { "error": "escape" } },
              { "id": "escape", "type": "action", "connector": "internal-api", "operation": "request",
                "input": { "method": "GET", "path": "../../../admin" } } ] }
            """),
    ];
}

/// <summary>Retries, approvals under contention, four eyes, expiry, the sandbox and outbound limits, over HTTP.</summary>
public sealed class RunBehaviourTests(RunBehaviourApp app) : IClassFixture<RunBehaviourApp>
{

    [Fact]
    public async Task A_target_answering_503_twice_then_200_gives_a_successful_step_with_3_attempts()
    {
        const string ip = "192.0.2.50";
        app.Targets.Given(Request.Create().WithPath("/blocks").UsingPost().WithBody(new WildcardMatcher($"*{ip}*")))
            .AtPriority(1).InScenario("flaky").WillSetStateTo("one failure")
            .RespondWith(Response.Create().WithStatusCode(503));
        app.Targets.Given(Request.Create().WithPath("/blocks").UsingPost().WithBody(new WildcardMatcher($"*{ip}*")))
            .AtPriority(1).InScenario("flaky").WhenStateIs("one failure").WillSetStateTo("two failures")
            .RespondWith(Response.Create().WithStatusCode(503));
        app.Targets.Given(Request.Create().WithPath("/blocks").UsingPost().WithBody(new WildcardMatcher($"*{ip}*")))
            .AtPriority(1).InScenario("flaky").WhenStateIs("two failures")
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("""{"id":"blk-9"}"""));
        var incidentId = await app.AlertAsync("flaky-1", "Scan from 192.0.2.50", "Recon", ip: ip);

        var runId = await app.StartByHandAsync("responder", incidentId, "flaky-block");
        var run = await app.RunAsync(runId, r => PlaybookApp.Status(r) is "completed" or "failed", "the run to end");

        Assert.Equal("completed", PlaybookApp.Status(run));
        var step = PlaybookApp.Step(run, "block");
        Assert.Equal("succeeded", step["status"]!.GetValue<string>());
        Assert.Equal(3, step["attempts"]!.GetValue<int>());
        var requests = app.RequestsTo("/blocks", ip);
        Assert.Equal(3, requests.Count);
        Assert.All(requests, r => Assert.Equal($"{runId}:block", r.RequestMessage.Headers!["Idempotency-Key"].Single()));
    }

    [Fact]
    public async Task Two_approvers_deciding_at_once_one_wins_and_the_other_gets_409()
    {
        for (var round = 0; round < 5; round++)
        {
            var incidentId = await app.AlertAsync($"race-{round}", "Race", "Recon", ip: $"192.0.2.{60 + round}");
            var runId = await app.StartByHandAsync("responder", incidentId, "ask");
            var approvalId = await app.PendingApprovalAsync(runId);
            using var approver = app.As("approver");
            using var admin = app.As("admin");

            var answers = await Task.WhenAll(
                approver.PostAsJsonAsync($"/api/approvals/{approvalId}/approve", new { comment = "yes" }),
                admin.PostAsJsonAsync($"/api/approvals/{approvalId}/reject", new { comment = "no" }));

            Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], answers.Select(a => a.StatusCode).Order());
            var loser = answers.Single(a => a.StatusCode == HttpStatusCode.Conflict);
            await loser.ProblemAsync(HttpStatusCode.Conflict);
        }
    }

    [Fact]
    public async Task Four_eyes_who_started_a_run_by_hand_cannot_approve_it_even_as_admin()
    {
        var incidentId = await app.AlertAsync("four-eyes", "Four eyes", "Recon", ip: "192.0.2.70");
        var runId = await app.StartByHandAsync("admin", incidentId, "ask");
        var approvalId = await app.PendingApprovalAsync(runId);

        using var admin = app.As("admin");
        var refusal = await (await admin.PostAsJsonAsync($"/api/approvals/{approvalId}/approve", new { })).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("Four eyes", refusal["detail"]!.GetValue<string>());

        using var viewer = app.As("viewer");
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsJsonAsync($"/api/approvals/{approvalId}/approve", new { })).StatusCode);
        using var approver = app.As("approver");
        (await approver.PostAsJsonAsync($"/api/approvals/{approvalId}/approve", new { })).EnsureSuccessStatusCode();
        var run = await app.RunAsync(runId, r => PlaybookApp.Status(r) == "completed", "the approved run to complete");
        Assert.Single(app.RequestsTo("/blocks", "192.0.2.70"));
        Assert.Equal("admin", run["startedBy"]!.GetValue<string>());
    }

    [Fact]
    public async Task Four_eyes_who_started_the_root_run_by_hand_cannot_approve_a_sub_playbook_step()
    {
        var incidentId = await app.AlertAsync("four-eyes-child", "Four eyes child", "Recon", ip: "192.0.2.79");
        var parentId = await app.StartByHandAsync("admin", incidentId, "ask-through-child");
        using var viewer = app.As("viewer");
        var childId = await Poll.UntilAsync(async () =>
            (await (await viewer.GetAsync($"/api/runs?incidentId={incidentId}&playbookId=ask-child")).JsonAsync(HttpStatusCode.OK))["items"]!
                .AsArray().FirstOrDefault()?["id"]?.GetValue<Guid>(),
            id => id is not null, TimeSpan.FromSeconds(15), "the child run");
        var approvalId = await app.PendingApprovalAsync(childId!.Value);

        using var admin = app.As("admin");
        var refusal = await (await admin.PostAsJsonAsync($"/api/approvals/{approvalId}/approve", new { })).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("Four eyes", refusal["detail"]!.GetValue<string>());

        using var approver = app.As("approver");
        Assert.Equal(HttpStatusCode.OK, (await approver.PostAsJsonAsync($"/api/approvals/{approvalId}/approve", new { })).StatusCode);
        await app.RunAsync(parentId, r => PlaybookApp.Status(r) == "completed", "the parent run to complete");
        Assert.Single(app.RequestsTo("/blocks", "192.0.2.79"));
    }

    [Fact]
    public async Task A_viewer_or_responder_cannot_decide_an_approval()
    {
        var incidentId = await app.AlertAsync("roles", "Roles", "Recon", ip: "192.0.2.71");
        var runId = await app.StartByHandAsync("responder", incidentId, "ask");
        var approvalId = await app.PendingApprovalAsync(runId);

        foreach (var user in new[] { "viewer", "responder" })
        {
            using var client = app.As(user);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync($"/api/approvals/{approvalId}/approve", new { })).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized,
            (await app.Anonymous().PostAsJsonAsync($"/api/approvals/{approvalId}/approve", new { })).StatusCode);
    }

    [Fact]
    public async Task An_approval_nobody_decides_expires_on_its_durable_timer()
    {
        var incidentId = await app.AlertAsync("expire", "Expire", "Recon", ip: "192.0.2.72");
        var runId = await app.StartByHandAsync("responder", incidentId, "expiring");

        var run = await app.RunAsync(runId, r => PlaybookApp.Status(r) == "completed", "the run to complete after expiry");

        Assert.Equal("expired", PlaybookApp.Step(run, "approve")["outcome"]!.GetValue<string>());
        Assert.Equal("succeeded", PlaybookApp.Step(run, "note")["status"]!.GetValue<string>());
        Assert.Empty(app.RequestsTo("/blocks", "192.0.2.72"));
        using var viewer = app.As("viewer");
        var timeline = (await (await viewer.GetAsync($"/api/incidents/{incidentId}/timeline")).JsonAsync(HttpStatusCode.OK))["items"]!.AsArray();
        Assert.Contains(timeline, e => e!["type"]!.GetValue<string>() == "ApprovalExpired");
    }

    [Fact]
    public async Task An_approval_of_a_run_that_failed_leaves_the_inbox()
    {
        var incidentId = await app.AlertAsync("failed-beside", "Failed beside", "Recon", ip: "192.0.2.77");
        var runId = await app.StartByHandAsync("responder", incidentId, "fail-beside-approval");

        var run = await app.RunAsync(runId, r => PlaybookApp.Status(r) == "failed", "the run to fail in its other branch");

        Assert.Equal("boom", run["failedStepId"]!.GetValue<string>());
        using var viewer = app.As("viewer");
        var inbox = await (await viewer.GetAsync("/api/approvals?status=pending")).JsonAsync(HttpStatusCode.OK);
        Assert.DoesNotContain(inbox["items"]!.AsArray(), a => a!["runId"]!.GetValue<Guid>() == runId);
    }

    [Fact]
    public async Task A_sub_playbook_past_its_step_timeout_is_cancelled_and_the_parent_takes_its_error_path()
    {
        var incidentId = await app.AlertAsync("impatient", "Impatient", "Recon", ip: "192.0.2.78");
        var runId = await app.StartByHandAsync("responder", incidentId, "impatient-parent");

        var run = await app.RunAsync(runId, r => PlaybookApp.Status(r) is "completed" or "failed", "the parent run to end");

        Assert.Equal("completed", PlaybookApp.Status(run));
        Assert.Equal("failed", PlaybookApp.Step(run, "child")["status"]!.GetValue<string>());
        Assert.Contains("timeout PT1S", PlaybookApp.Step(run, "child")["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("succeeded", PlaybookApp.Step(run, "note")["status"]!.GetValue<string>());
        using var viewer = app.As("viewer");
        var child = await Poll.UntilAsync(async () =>
            (await (await viewer.GetAsync($"/api/runs?incidentId={incidentId}&playbookId=slow-child")).JsonAsync(HttpStatusCode.OK))["items"]![0],
            c => c?["status"]?.GetValue<string>() == "cancelled", TimeSpan.FromSeconds(15), "the child run to be cancelled");
        var inbox = await (await viewer.GetAsync("/api/approvals?status=pending")).JsonAsync(HttpStatusCode.OK);
        Assert.DoesNotContain(inbox["items"]!.AsArray(), a => a!["runId"]!.GetValue<Guid>() == child!["id"]!.GetValue<Guid>());
    }

    [Fact]
    public async Task A_runaway_expression_fails_its_step_within_its_limit_while_the_server_stays_live()
    {
        var incidentId = await app.AlertAsync("runaway", "Runaway", "Recon", ip: "192.0.2.73");
        using var responder = app.As("responder");
        var watch = Stopwatch.StartNew();
        var runId = await app.StartByHandAsync("responder", incidentId, "runaway");
        using var anonymous = app.Anonymous();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live")).StatusCode);

        var run = await app.RunAsync(runId, r => PlaybookApp.Status(r) == "failed", "the run to fail");

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
        var step = PlaybookApp.Step(run, "spin");
        Assert.Equal("failed", step["status"]!.GetValue<string>());
        Assert.Contains("limit", step["error"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live")).StatusCode);
    }

    [Fact]
    public async Task A_made_up_address_is_refused_and_nothing_leaves_for_it()
    {
        var incidentId = await app.AlertAsync("ssrf", "SSRF", "Recon", ip: "192.0.2.74");
        var runId = await app.StartByHandAsync("responder", incidentId, "ssrf");

        var run = await app.RunAsync(runId, r => PlaybookApp.Status(r) == "failed", "the run to fail");

        Assert.Equal("failed", PlaybookApp.Step(run, "metadata")["status"]!.GetValue<string>());
        Assert.Equal("failed", PlaybookApp.Step(run, "escape")["status"]!.GetValue<string>());
        Assert.Equal(1, PlaybookApp.Step(run, "metadata")["attempts"]!.GetValue<int>());
        Assert.DoesNotContain(app.Targets.LogEntries, e => e.RequestMessage.Path.Contains("meta-data", StringComparison.Ordinal)
            || e.RequestMessage.Path.Contains("admin", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("x/../../admin#", "/api/devices/x%2F..%2F..%2Fadmin%23/isolate")]
    // The target's server (Kestrel) shows '=' and '&' unescaped: legal inside a path segment, and no query.
    [InlineData("x?role=admin&all=1", "/api/devices/x%3Frole=admin&all=1/isolate")]
    [InlineData("50%/..", "/api/devices/50%25%2F../isolate")]
    public async Task A_value_rendered_into_a_path_stays_one_segment(string device, string expectedPath)
    {
        var incidentId = await app.AlertAsync($"segment-{expectedPath.GetHashCode()}", "Segment", "Recon", ip: "192.0.2.80");

        var runId = await StartWithVarsAsync(incidentId, "isolate-device", new { device });
        var run = await app.RunAsync(runId, r => PlaybookApp.Status(r) is "completed" or "failed", "the run to end");

        Assert.Equal("completed", PlaybookApp.Status(run));
        var sent = Assert.Single(app.Targets.LogEntries, e => RawPath(e) == expectedPath);
        Assert.Equal("POST", sent.RequestMessage.Method);
        Assert.True(string.IsNullOrEmpty(sent.RequestMessage.RawQuery), sent.RequestMessage.RawQuery);
        Assert.Equal(["api", "devices", device, "isolate"], RawPath(sent).Trim('/').Split('/').Select(Uri.UnescapeDataString));
        Assert.DoesNotContain(app.Targets.LogEntries,
            e => RawPath(e) is "/admin" or "/api/admin" || (e.RequestMessage.RawQuery ?? "").Contains("admin"));
    }

    [Fact]
    public async Task A_value_that_is_a_dot_segment_fails_its_step_and_nothing_is_sent()
    {
        var incidentId = await app.AlertAsync("dot-segment", "Dot segment", "Recon", ip: "192.0.2.81");
        var before = app.Targets.LogEntries.Count(e => RawPath(e).Contains("isolate", StringComparison.Ordinal));

        var runId = await StartWithVarsAsync(incidentId, "isolate-device", new { device = ".." });
        var run = await app.RunAsync(runId, r => PlaybookApp.Status(r) is "completed" or "failed", "the run to end");

        Assert.Equal("failed", PlaybookApp.Status(run));
        Assert.Contains("dot segment", PlaybookApp.Step(run, "isolate")["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(before, app.Targets.LogEntries.Count(e => RawPath(e).Contains("isolate", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_path_given_whole_by_one_template_is_sent_as_is_when_it_stays_under_BaseUrl()
    {
        var incidentId = await app.AlertAsync("whole-path", "Whole path", "Recon", ip: "192.0.2.82");

        var good = await StartWithVarsAsync(incidentId, "whole-path", new { path = "/devices/7/isolate?full=true" });
        var bad = await StartWithVarsAsync(incidentId, "whole-path", new { path = "../../admin" });

        Assert.Equal("completed",
            PlaybookApp.Status(await app.RunAsync(good, r => PlaybookApp.Status(r) is "completed" or "failed", "the run to end")));
        Assert.Equal("failed", PlaybookApp.Status(await app.RunAsync(bad, r => PlaybookApp.Status(r) is "completed" or "failed", "the run to end")));
        Assert.Contains(app.Targets.LogEntries,
            e => RawPath(e) == "/api/devices/7/isolate" && e.RequestMessage.RawQuery?.TrimStart('?') == "full=true");
        Assert.DoesNotContain(app.Targets.LogEntries, e => RawPath(e) is "/admin" or "/api/admin");
    }

    private async Task<Guid> StartWithVarsAsync(Guid incidentId, string playbookId, object vars)
    {
        using var client = app.As("responder");
        var run = await (await client.PostAsJsonAsync($"/api/incidents/{incidentId}/runs",
            new { playbookId, vars })).JsonAsync(HttpStatusCode.Created);
        return run["id"]!.GetValue<Guid>();
    }

    // The path as it came over the wire, still escaped.
    private static string RawPath(WireMock.Logging.ILogEntry entry) => new Uri(entry.RequestMessage.Url).AbsolutePath;

    [Fact]
    public async Task A_cancelled_run_stops_and_its_approval_closes()
    {
        var incidentId = await app.AlertAsync("cancel", "Cancel", "Recon", ip: "192.0.2.75");
        var runId = await app.StartByHandAsync("responder", incidentId, "ask");
        var approvalId = await app.PendingApprovalAsync(runId);
        using var responder = app.As("responder");

        (await responder.PostAsJsonAsync($"/api/runs/{runId}/cancel", new { reason = "duplicate incident" })).EnsureSuccessStatusCode();

        var run = await app.RunAsync(runId, r => PlaybookApp.Status(r) == "cancelled", "the run cancelled");
        Assert.Equal("skipped", PlaybookApp.Step(run, "approve")["status"]!.GetValue<string>());
        using var approver = app.As("approver");
        Assert.Equal(HttpStatusCode.Conflict, (await approver.PostAsJsonAsync($"/api/approvals/{approvalId}/approve", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await responder.PostAsJsonAsync($"/api/runs/{runId}/cancel", new { })).StatusCode);
    }

    [Fact]
    public async Task A_failed_run_retried_goes_on_from_its_failed_step_with_the_same_idempotency_key()
    {
        const string ip = "192.0.2.76";
        app.Targets.Given(Request.Create().WithPath("/blocks").UsingPost().WithBody(new WildcardMatcher($"*{ip}*")))
            .AtPriority(1).InScenario("down").WillSetStateTo("still down")
            .RespondWith(Response.Create().WithStatusCode(400).WithBody("""{"error":"maintenance"}"""));
        var incidentId = await app.AlertAsync("retry-run", "Retry run", "Recon", ip: ip);
        var runId = await app.StartByHandAsync("responder", incidentId, "flaky-block");
        await app.RunAsync(runId, r => PlaybookApp.Status(r) == "failed", "the run to fail on a 400");

        using var responder = app.As("responder");
        (await responder.PostAsJsonAsync($"/api/runs/{runId}/retry", new { })).EnsureSuccessStatusCode();
        var run = await app.RunAsync(runId, r => PlaybookApp.Status(r) == "completed", "the retried run to complete");

        Assert.Equal(2, PlaybookApp.Step(run, "block")["attempts"]!.GetValue<int>());
        var requests = app.RequestsTo("/blocks", ip);
        Assert.Equal(2, requests.Count);
        Assert.All(requests, r => Assert.Equal($"{runId}:block", r.RequestMessage.Headers!["Idempotency-Key"].Single()));
    }
}
