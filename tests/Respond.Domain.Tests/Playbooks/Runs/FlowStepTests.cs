using System.Text.Json.Nodes;
using Respond.Domain.Incidents;
using Respond.Domain.Playbooks.Runs;

namespace Respond.Domain.Tests.Playbooks.Runs;

public sealed class FlowStepTests
{
    private const string Parallel = """
        { "id": "p", "name": "p", "steps": [
          { "id": "fan", "type": "parallel", "branches": ["a", "b"], "join": "JOIN", "next": "after" },
          { "id": "a", "type": "action", "connector": "c", "operation": "o" },
          { "id": "b", "type": "action", "connector": "c", "operation": "o", "next": "b2" },
          { "id": "b2", "type": "action", "connector": "c", "operation": "o" },
          { "id": "after", "type": "action", "connector": "chat", "operation": "post" } ] }
        """;

    [Fact]
    public void Parallel_all_starts_every_branch_and_joins_when_each_has_ended()
    {
        var run = new RunFixture(Parallel.Replace("JOIN", "all"));
        run.Start();
        var started = run.Work.OfType<PerformAction>().ToList();
        Assert.Equal(["a", "b"], started.Select(a => a.StepId));

        run.Succeed(started[0]);
        Assert.DoesNotContain(run.Work.OfType<PerformAction>(), a => a.StepId == "after");
        run.Succeed(started[1]);
        Assert.Equal("b2", run.LastAction.StepId);
        run.Succeed(run.LastAction);

        Assert.Equal("after", run.LastAction.StepId);
        Assert.Equal(StepStatus.Succeeded, run.Run.Step("fan")!.Status);
    }

    [Fact]
    public void Parallel_any_joins_on_the_first_branch_and_the_others_lead_nowhere()
    {
        var run = new RunFixture(Parallel.Replace("JOIN", "any"));
        run.Start();
        var started = run.Work.OfType<PerformAction>().ToList();

        run.Succeed(started[0]);
        Assert.Equal("after", run.LastAction.StepId);
        run.Succeed(started[1]);

        Assert.DoesNotContain(run.Work.OfType<PerformAction>(), a => a.StepId == "b2");
        run.Succeed(run.Work.OfType<PerformAction>().Single(a => a.StepId == "after"));
        Assert.Equal(RunStatus.Completed, run.Run.Status);
    }

    [Fact]
    public void A_delay_waits_on_a_timer_and_ends_when_it_fires()
    {
        var run = new RunFixture("""
            { "id": "p", "name": "p", "steps": [
              { "id": "wait", "type": "delay", "duration": "PT5M", "next": "go" },
              { "id": "go", "type": "action", "connector": "c", "operation": "o" } ] }
            """);
        run.Start();

        var wake = Assert.Single(run.Work.OfType<WakeAt>());
        Assert.Equal(RunFixture.T0.AddMinutes(5), wake.At);
        Assert.Equal(RunStatus.Waiting, run.Run.Status);
        Assert.Empty(run.Work.OfType<PerformAction>());

        run.Now = wake.At;
        run.Decide(new WakeStep(wake.StepId, wake.Attempt));
        Assert.Equal("go", run.LastAction.StepId);
    }

    [Fact]
    public void A_delay_until_a_time_past_its_limit_fails_its_step_and_the_run_instead_of_waiting_for_ever()
    {
        var run = new RunFixture("""
            { "id": "p", "name": "p", "steps": [
              { "id": "wait", "type": "delay", "until": "{{ '9999-12-31T00:00:00Z' }}", "next": "go" },
              { "id": "go", "type": "action", "connector": "c", "operation": "o" } ] }
            """);

        run.Start();

        Assert.Equal(RunStatus.Failed, run.Run.Status);
        Assert.Contains("more than 366 days ahead", run.Run.Step("wait")!.Error, StringComparison.Ordinal);
        Assert.Empty(run.Work);
    }

    [Fact]
    public void Values_rendered_into_an_action_path_are_escaped_as_segments_unless_the_path_is_one_whole_template()
    {
        var run = new RunFixture("""
            { "id": "p", "name": "p", "steps": [
              { "id": "one", "type": "action", "connector": "c", "operation": "request",
                "input": { "path": "/devices/{{ vars.device }}/isolate?by={{ vars.who }}", "body": { "note": "{{ vars.device }}/x" } },
                "next": "two" },
              { "id": "two", "type": "action", "connector": "c", "operation": "request", "input": { "path": "{{ vars.path }}" } } ] }
            """);
        run.Start(vars: new JsonObject { ["device"] = "x/../../admin#", ["who"] = "a&b=c", ["path"] = "/whole/path?q=1" });

        Assert.Equal("/devices/x%2F..%2F..%2Fadmin%23/isolate?by=a%26b%3Dc", run.LastAction.Input["path"]!.GetValue<string>());
        Assert.Equal("x/../../admin#/x", run.LastAction.Input["body"]!["note"]!.GetValue<string>());
        run.Succeed(run.LastAction);
        Assert.Equal("/whole/path?q=1", run.LastAction.Input["path"]!.GetValue<string>());
    }

    [Fact]
    public void An_incident_step_changes_the_incident_by_its_own_rules_in_the_same_decision()
    {
        var incident = Incident.Evolve(null, new IncidentOpened(Guid.Parse("00000000-0000-0000-0000-000000000001"), "t",
            Respond.Domain.Common.Severity.High, null, null, null, null, Respond.Domain.Alerts.EntitySet.Empty, "x", RunFixture.T0))!;
        var engine = new RunEngine(new Respond.Domain.Playbooks.Expressions.JintExpressionEvaluator());
        var playbook = Respond.Domain.Playbooks.Definitions.PlaybookJson.Parse("""
            { "id": "p", "name": "p", "steps": [
              { "id": "contain", "type": "incident", "status": "contained", "comment": "Blocked {{ incident.entities.ips[0] }}", "next": "done" },
              { "id": "done", "type": "end" } ] }
            """);
        var incidentJson = RunFixture.SampleIncident();
        var context = new RunContext(incidentJson, incidentJson["alerts"], "playbook:p", RunFixture.T0);
        var incidentEvents = new List<object>();

        var start = engine.Start(playbook, new StartRun(Guid.NewGuid(), 1, incident.Id, "manual", "k", false, []), context);
        var driven = engine.Drive(playbook, start, context, change =>
        {
            var (events, result) = IncidentStep.Decide(incident, change, "playbook:p", RunFixture.T0);
            incidentEvents.AddRange(events);
            return result;
        });

        Assert.Equal(RunStatus.Completed, driven.State!.Status);
        var contained = Assert.Single(incidentEvents.OfType<IncidentContained>());
        Assert.True(contained.Automated);
        Assert.Equal("Blocked 203.0.113.7", Assert.Single(incidentEvents.OfType<CommentAdded>()).Text);
    }

    [Fact]
    public void Containing_an_incident_already_contained_succeeds_without_a_change()
    {
        var incident = Incident.Evolve(null, new IncidentOpened(Guid.NewGuid(), "t", Respond.Domain.Common.Severity.High, null, null, null, null,
            Respond.Domain.Alerts.EntitySet.Empty, "x", RunFixture.T0))! with
        { Status = IncidentStatus.Contained };

        var (events, result) = IncidentStep.Decide(incident, new ChangeIncident("s", 1,
            new IncidentChange("contained", null, null, null, null, null, null)), "playbook:p", RunFixture.T0);

        Assert.Empty(events);
        Assert.True(result.Succeeded);
    }

    [Fact]
    public void A_sub_playbook_step_starts_a_child_and_goes_on_when_it_reports_back()
    {
        var run = new RunFixture("""
            { "id": "p", "name": "p", "steps": [
              { "id": "restore", "type": "playbook", "playbook": "backup-restore", "next": "tell" },
              { "id": "tell", "type": "action", "connector": "chat", "operation": "post" } ] }
            """);
        run.Start();
        var child = Assert.Single(run.Work.OfType<StartChildRun>());
        Assert.Equal("backup-restore", child.PlaybookId);

        run.Decide(new RecordChildRunEnded("restore", Guid.NewGuid(), true, null, null));
        Assert.Empty(run.Work.OfType<PerformAction>());

        run.Decide(new RecordChildRunEnded("restore", child.ChildRunId, true, null, new JsonObject { ["restored"] = true }));
        Assert.Equal("tell", run.LastAction.StepId);
    }

    [Fact]
    public void A_child_run_reports_its_end_to_its_parent()
    {
        var engine = new RunEngine(new Respond.Domain.Playbooks.Expressions.JintExpressionEvaluator());
        var playbook = Respond.Domain.Playbooks.Definitions.PlaybookJson.Parse(
            """{ "id": "c", "name": "c", "steps": [ { "id": "done", "type": "end" } ] }""");
        var parent = Guid.NewGuid();

        var decision = engine.Start(playbook, new StartRun(Guid.NewGuid(), 1, null, "playbook", "k", false, [], parent, "restore"),
            new RunContext(null, null, "playbook:c", RunFixture.T0));

        var report = Assert.Single(decision.Work.OfType<ReportChildRunEnded>());
        Assert.Equal((parent, "restore", true), (report.ParentRunId, report.ParentStepId, report.Succeeded));
    }
}

public sealed class WaitingStepTimeoutTests
{
    [Fact]
    public void A_sub_playbook_that_outlives_its_timeout_fails_the_step_stops_the_child_and_a_late_report_is_ignored()
    {
        var run = new RunFixture("""
            { "id": "p", "name": "p", "steps": [
              { "id": "restore", "type": "playbook", "playbook": "backup-restore", "timeout": "PT10M",
                "next": { "success": "done", "error": "escalate" } },
              { "id": "escalate", "type": "action", "connector": "chat", "operation": "post" },
              { "id": "done", "type": "end" } ] }
            """);
        run.Start();
        var child = Assert.Single(run.Work.OfType<StartChildRun>());
        var timer = Assert.Single(run.Work.OfType<WakeAt>());
        Assert.Equal(RunFixture.T0.AddMinutes(10), timer.At);

        run.Now = timer.At;
        run.Decide(new WakeStep(timer.StepId, timer.Attempt));

        Assert.Equal(child.ChildRunId, Assert.Single(run.Work.OfType<CancelChildRun>()).ChildRunId);
        Assert.Equal(StepStatus.Failed, run.Run.Step("restore")!.Status);
        Assert.Contains("PT10M", run.Run.Step("restore")!.Error, StringComparison.Ordinal);
        Assert.Equal("escalate", run.LastAction.StepId);
        Assert.Empty(run.Decide(new RecordChildRunEnded("restore", child.ChildRunId, false, "cancelled", null)).Events);
    }

    [Fact]
    public void A_timed_out_sub_playbook_with_retry_starts_a_new_child_and_ignores_the_old_one()
    {
        var run = new RunFixture("""
            { "id": "p", "name": "p", "steps": [
              { "id": "restore", "type": "playbook", "playbook": "backup-restore", "timeout": "PT1M",
                "retry": { "maxAttempts": 2, "delay": "PT5S" } } ] }
            """);
        run.Start();
        var first = Assert.Single(run.Work.OfType<StartChildRun>());
        run.Now = RunFixture.T0.AddMinutes(1);
        run.Decide(new WakeStep("restore", 1));

        Assert.Empty(run.Decide(new RecordChildRunEnded("restore", first.ChildRunId, false, "cancelled", null)).Events);
        var retry = run.Work.OfType<WakeAt>().Last();
        Assert.Equal(2, retry.Attempt);
        run.Now = retry.At;
        run.Decide(new WakeStep("restore", 2));

        var second = run.Work.OfType<StartChildRun>().Last();
        Assert.NotEqual(first.ChildRunId, second.ChildRunId);
        run.Decide(new RecordChildRunEnded("restore", second.ChildRunId, true, null, null));
        Assert.Equal(RunStatus.Completed, run.Run.Status);
    }

    [Fact]
    public void A_parallel_step_past_its_timeout_fails_and_its_branches_lead_nowhere()
    {
        var run = new RunFixture("""
            { "id": "p", "name": "p", "steps": [
              { "id": "fan", "type": "parallel", "branches": ["ask", "call"], "timeout": "PT5M", "next": "after" },
              { "id": "ask", "type": "approval", "approvers": { "roles": ["approver"] } },
              { "id": "call", "type": "action", "connector": "c", "operation": "o" },
              { "id": "after", "type": "action", "connector": "chat", "operation": "post" } ] }
            """);
        run.Start();
        var call = run.LastAction;
        run.Succeed(call);

        run.Now = RunFixture.T0.AddMinutes(5);
        run.Decide(new WakeStep("fan", 1));

        Assert.Equal(StepStatus.Failed, run.Run.Step("fan")!.Status);
        Assert.Equal(RunStatus.Failed, run.Run.Status);
        Assert.DoesNotContain(run.Work.OfType<PerformAction>(), a => a.StepId == "after");
    }
}
