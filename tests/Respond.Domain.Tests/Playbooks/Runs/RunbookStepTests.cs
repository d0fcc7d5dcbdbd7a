using System.Text.Json.Nodes;
using Respond.Domain.Playbooks.Runs;

namespace Respond.Domain.Tests.Playbooks.Runs;

/// <summary>What a runbook needs of the engine: to fail on purpose, to time its steps, and to keep a failed attempt's figures.</summary>
public sealed class RunbookStepTests
{
    private const string Drill = """
        { "id": "drill", "name": "drill", "vars": { "rtoTargetSeconds": 60 }, "steps": [
          { "id": "fail-over", "type": "action", "connector": "c", "operation": "o", "next": "healthy" },
          { "id": "healthy", "type": "action", "connector": "c", "operation": "o", "next": "measure" },
          { "id": "measure", "type": "set",
            "set": { "rtoSeconds": "{{ (Date.parse(steps.healthy.endedAt) - Date.parse(steps['fail-over'].endedAt)) / 1000 }}" },
            "next": "judge" },
          { "id": "judge", "type": "condition", "if": "vars.rtoSeconds <= vars.rtoTargetSeconds",
            "next": { "true": "done", "false": "missed" } },
          { "id": "missed", "type": "end", "status": "failed",
            "message": "RTO {{ vars.rtoSeconds }} s missed its target of {{ vars.rtoTargetSeconds }} s." },
          { "id": "done", "type": "end" } ] }
        """;

    [Theory]
    [InlineData(45, RunStatus.Completed, null)]
    [InlineData(90, RunStatus.Failed, "RTO 90 s missed its target of 60 s.")]
    public void A_drill_measures_its_RTO_from_step_times_and_a_failed_end_fails_the_run_with_its_message(
        int secondsToHealthy, RunStatus expected, string? error)
    {
        var run = new RunFixture(Drill);
        run.Start(vars: new JsonObject { ["rtoTargetSeconds"] = 60 }); // The catalog gives a run its vars' defaults.
        run.Succeed(run.LastAction);
        run.Now = RunFixture.T0.AddSeconds(secondsToHealthy);
        run.Succeed(run.LastAction);

        Assert.Equal(expected, run.Run.Status);
        Assert.Equal(secondsToHealthy, run.Run.Vars["rtoSeconds"]!.GetValue<double>());
        Assert.Equal(error, run.Run.Error);
        if (error is not null)
        {
            var failed = Assert.Single(run.EventsOf<PlaybookRunFailed>());
            Assert.Equal("missed", failed.StepId);
            Assert.Equal(StepStatus.Failed, run.Run.Step("missed")!.Status);
        }
    }

    [Fact]
    public void A_failed_attempt_keeps_what_it_measured_on_the_step()
    {
        var run = new RunFixture("""
            { "id": "p", "name": "p", "steps": [ { "id": "verify", "type": "action", "connector": "c", "operation": "o" } ] }
            """);
        run.Start();
        var figures = new JsonObject { ["backupAgeSeconds"] = 90000, ["passed"] = false };

        run.Decide(new RecordStepResult("verify", 1, false, figures, "The newest backup is 25 h old.", false));

        Assert.Equal(RunStatus.Failed, run.Run.Status);
        Assert.Equal(90000, run.Run.Step("verify")!.Output!["backupAgeSeconds"]!.GetValue<int>());
        Assert.Equal(90000, run.EventsOf<StepFailed>().Single().Output!["backupAgeSeconds"]!.GetValue<int>());
    }
}
