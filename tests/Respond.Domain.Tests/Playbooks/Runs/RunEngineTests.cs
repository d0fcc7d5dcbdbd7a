using System.Text.Json.Nodes;
using Respond.Domain.Playbooks.Runs;

namespace Respond.Domain.Tests.Playbooks.Runs;

public sealed class RunEngineTests
{
    private const string ConditionThenAction = """
        { "id": "auto-block", "name": "Auto block", "trigger": { "on": "incident.opened" },
          "steps": [
            { "id": "check", "type": "condition", "if": "incident.severity == 'high'", "next": { "true": "block", "false": "done" } },
            { "id": "block", "type": "action", "connector": "firewall", "operation": "block-ip",
              "input": { "ip": "{{ incident.entities.ips[0] }}", "reason": "Incident {{ incident.title }}" },
              "retry": { "maxAttempts": 3 }, "next": "done" },
            { "id": "done", "type": "end" } ] }
        """;

    [Fact]
    public void A_condition_and_the_action_after_it_start_in_one_decision_with_the_rendered_input()
    {
        var run = new RunFixture(ConditionThenAction);

        var decision = run.Start();

        Assert.Equal(["PlaybookRunStarted", "StepStarted", "StepSucceeded", "StepStarted"], decision.Events.Select(e => e.GetType().Name));
        var action = Assert.Single(decision.Work.OfType<PerformAction>());
        Assert.Equal(("block", 1, "firewall", "block-ip"), (action.StepId, action.Attempt, action.Connector, action.Operation));
        Assert.Equal("203.0.113.7", action.Input["ip"]!.GetValue<string>());
        Assert.Equal("Incident Brute force on vpn-1", action.Input["reason"]!.GetValue<string>());
        Assert.Equal(RunStatus.Running, run.Run.Status);
        Assert.Equal(StepStatus.Running, run.Run.Step("block")!.Status);
    }

    [Fact]
    public void A_false_condition_takes_its_false_outcome()
    {
        var run = new RunFixture(ConditionThenAction) { Incident = JsonNode.Parse("""{ "severity": "low", "entities": { "ips": [] } }""")! };

        run.Start();

        Assert.Empty(run.Work.OfType<PerformAction>());
        Assert.Equal(RunStatus.Completed, run.Run.Status);
        Assert.Equal("false", run.Run.Step("check")!.Outcome);
    }

    [Fact]
    public void A_successful_action_completes_the_run_and_its_output_is_kept()
    {
        var run = new RunFixture(ConditionThenAction);
        run.Start();

        run.Succeed(run.LastAction, new JsonObject { ["status"] = 201 });

        Assert.Equal(RunStatus.Completed, run.Run.Status);
        Assert.Equal(201, run.Run.Step("block")!.Output!["status"]!.GetValue<int>());
        Assert.Single(run.EventsOf<PlaybookRunCompleted>());
    }

    [Fact]
    public void Retryable_failures_are_retried_up_to_max_attempts_counting_the_first()
    {
        var run = new RunFixture(ConditionThenAction);
        run.Start();

        run.Fail(run.LastAction, retryable: true);
        run.Fail(run.LastAction, retryable: true);
        Assert.Equal(3, run.LastAction.Attempt);
        run.Succeed(run.LastAction);

        Assert.Equal(RunStatus.Completed, run.Run.Status);
        Assert.Equal(3, run.Run.Step("block")!.Attempts);
        Assert.Equal(StepStatus.Succeeded, run.Run.Step("block")!.Status);
    }

    [Fact]
    public void The_last_allowed_failure_fails_the_run_when_no_error_outcome_is_mapped()
    {
        var run = new RunFixture(ConditionThenAction);
        run.Start();

        for (var i = 0; i < 3; i++)
        {
            run.Fail(run.LastAction, retryable: true);
        }

        Assert.Equal(RunStatus.Failed, run.Run.Status);
        Assert.Equal("block", run.Run.FailedStepId);
        Assert.Equal(3, run.Work.OfType<PerformAction>().Count());
    }

    [Fact]
    public void A_client_error_is_not_retried()
    {
        var run = new RunFixture(ConditionThenAction);
        run.Start();

        run.Fail(run.LastAction, retryable: false, "400 Bad Request");

        Assert.Single(run.Work.OfType<PerformAction>());
        Assert.Equal(RunStatus.Failed, run.Run.Status);
        Assert.Equal("400 Bad Request", run.Run.Error);
    }

    [Fact]
    public void A_retry_with_a_delay_waits_on_a_durable_timer()
    {
        var run = new RunFixture("""
            { "id": "p", "name": "p", "steps": [
              { "id": "call", "type": "action", "connector": "c", "operation": "o", "retry": { "maxAttempts": 2, "delay": "PT2S" } } ] }
            """);
        run.Start();

        run.Fail(run.LastAction, retryable: true);

        var wake = Assert.Single(run.Work.OfType<WakeAt>());
        Assert.Equal(("call", 2, RunFixture.T0.AddSeconds(2)), (wake.StepId, wake.Attempt, wake.At));
        Assert.Equal(RunStatus.Waiting, run.Run.Status);

        run.Now = wake.At;
        run.Decide(new WakeStep("call", 2));
        Assert.Equal(2, run.LastAction.Attempt);

        // The timer firing twice does nothing the second time.
        var again = run.Decide(new WakeStep("call", 2));
        Assert.Empty(again.Events);
    }

    [Fact]
    public void An_error_outcome_carries_the_run_on_along_its_path()
    {
        var run = new RunFixture("""
            { "id": "p", "name": "p", "steps": [
              { "id": "call", "type": "action", "connector": "c", "operation": "o", "next": { "success": "done", "error": "notify" } },
              { "id": "notify", "type": "action", "connector": "chat", "operation": "post", "input": { "text": "failed: {{ steps.call.error }}" } },
              { "id": "done", "type": "end" } ] }
            """);
        run.Start();

        run.Fail(run.LastAction, retryable: false, "403 Forbidden");

        Assert.Equal("notify", run.LastAction.StepId);
        Assert.Equal("failed: 403 Forbidden", run.LastAction.Input["text"]!.GetValue<string>());
        Assert.Equal(StepStatus.Failed, run.Run.Step("call")!.Status);
        run.Succeed(run.LastAction);
        Assert.Equal(RunStatus.Completed, run.Run.Status);
    }

    [Fact]
    public void A_duplicate_or_stale_result_changes_nothing()
    {
        var run = new RunFixture(ConditionThenAction);
        run.Start();
        var first = run.LastAction;
        run.Succeed(first);

        var duplicate = run.Succeed(first);

        Assert.Empty(duplicate.Events);
        Assert.Empty(duplicate.Work);
    }

    [Fact]
    public void Set_assigns_variables_that_later_templates_read()
    {
        var run = new RunFixture("""
            { "id": "p", "name": "p", "vars": { "channel": "#soc" }, "steps": [
              { "id": "pick", "type": "set", "set": { "target": "{{ incident.entities.hosts[0] }}", "count": "{{ alerts.length }}" }, "next": "say" },
              { "id": "say", "type": "action", "connector": "chat", "operation": "post",
                "input": { "text": "{{ vars.channel }}: isolate {{ vars.target }} ({{ vars.count }} alerts)" } } ] }
            """);

        run.Start(vars: new JsonObject { ["channel"] = "#soc" });

        Assert.Equal("#soc: isolate vpn-1 (1 alerts)", run.LastAction.Input["text"]!.GetValue<string>());
        Assert.Equal(1, run.Run.Vars["count"]!.GetValue<int>());
    }

    [Fact]
    public void A_runaway_condition_fails_its_step_within_the_limit()
    {
        var run = new RunFixture("""
            { "id": "p", "name": "p", "steps": [ { "id": "spin", "type": "condition", "if": "(() => { while (true) {} })()" } ] }
            """, new Respond.Domain.Playbooks.Expressions.ExpressionLimits { Timeout = TimeSpan.FromMilliseconds(200) });
        var watch = System.Diagnostics.Stopwatch.StartNew();

        run.Start();

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
        Assert.Equal(StepStatus.Failed, run.Run.Step("spin")!.Status);
        Assert.Equal(RunStatus.Failed, run.Run.Status);
        Assert.False(string.IsNullOrEmpty(run.Run.Error));
    }

    [Fact]
    public void Cancel_ends_the_run_and_late_results_are_ignored()
    {
        var run = new RunFixture(ConditionThenAction);
        run.Start();
        var inFlight = run.LastAction;

        run.Decide(new CancelRun("false positive"), "alice");
        var late = run.Succeed(inFlight);

        Assert.Equal(RunStatus.Cancelled, run.Run.Status);
        Assert.Empty(late.Events);
        Assert.Throws<RunConflictException>(() => run.Decide(new CancelRun(null), "alice"));
    }

    [Fact]
    public void A_failed_run_retried_goes_on_from_its_failed_step_with_a_new_attempt()
    {
        var run = new RunFixture(ConditionThenAction);
        run.Start();
        for (var i = 0; i < 3; i++)
        {
            run.Fail(run.LastAction, retryable: true);
        }

        run.Decide(new RetryRun(), "alice");

        Assert.Equal(RunStatus.Running, run.Run.Status);
        Assert.Equal(("block", 4), (run.LastAction.StepId, run.LastAction.Attempt));
        run.Succeed(run.LastAction);
        Assert.Equal(RunStatus.Completed, run.Run.Status);
        Assert.Throws<RunConflictException>(() => run.Decide(new RetryRun(), "alice"));
    }

    [Fact]
    public void Idempotency_keys_are_the_run_id_and_step_id()
    {
        var runId = Guid.NewGuid();

        Assert.Equal($"{runId}:block", RunEngine.IdempotencyKey(runId, "block"));
        Assert.Equal(RunEngine.RunIdFor("p", "incident.opened:1"), RunEngine.RunIdFor("p", "incident.opened:1"));
        Assert.NotEqual(RunEngine.RunIdFor("p", "incident.opened:1"), RunEngine.RunIdFor("q", "incident.opened:1"));
    }
}
