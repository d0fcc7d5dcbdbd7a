namespace Respond.Domain.Playbooks.Runs;

public sealed partial class RunEngine
{
    /// <summary>
    /// Ends a run whose transition raised an unexpected fault (a stored definition the validator would refuse
    /// now, a bug): the step the command was about fails for good and the run fails with the reason, so it
    /// never stays running. Nothing of the faulted decision is kept; a retry of the run starts that step again.
    /// </summary>
    public static RunDecision Fault(PlaybookRun run, RunCommand command, string error, RunContext context)
    {
        if (run.IsOver)
        {
            return RunDecision.Nothing(run);
        }

        var events = new List<object>();
        var state = run;
        void Emit(object @event)
        {
            events.Add(@event);
            state = PlaybookRun.Evolve(state, @event)!;
        }

        var stepId = StepOf(run, command);
        if (stepId is not null && run.Step(stepId) is { } step && step.Status != StepStatus.Failed)
        {
            Emit(new StepFailed(run.Id, stepId, step.Attempts, error, null, context.Actor, context.Now));
        }

        Emit(new PlaybookRunFailed(run.Id, stepId, error, context.Actor, context.Now));
        return new RunDecision(state, events, ParentNotice(state));
    }

    /// <summary>A run whose start faulted: it is recorded as started and failed, so the trigger is not lost silently.</summary>
    public static RunDecision StartFaulted(string playbookId, string playbookName, StartRun command, string error, RunContext context)
    {
        object[] events =
        [
            new PlaybookRunStarted(command.RunId, playbookId, command.PlaybookVersion, playbookName, command.IncidentId, command.Trigger,
                command.TriggerKey, command.ByHand, command.ParentRunId, command.ParentStepId, command.Vars, context.Actor, context.Now,
                command.HandStarter ?? (command.ByHand ? context.Actor : null)),
            new PlaybookRunFailed(command.RunId, null, error, context.Actor, context.Now),
        ];
        var state = events.Aggregate((PlaybookRun?)null, PlaybookRun.Evolve)!;
        return new RunDecision(state, events, ParentNotice(state));
    }

    private static string? StepOf(PlaybookRun run, RunCommand command) => command switch
    {
        RecordStepResult c => c.StepId,
        WakeStep c => c.StepId,
        RecordChildRunEnded c => c.StepId,
        DecideApproval c => run.Approval(c.ApprovalId)?.StepId,
        ExpireApproval c => run.Approval(c.ApprovalId)?.StepId,
        RetryRun => run.FailedStepId,
        _ => null,
    };

    private static RunWork[] ParentNotice(PlaybookRun run) => run is { ParentRunId: { } parent, ParentStepId: { } parentStep }
        ? [new ReportChildRunEnded(parent, parentStep, run.Id, false, run.Error ?? "failed",
            (System.Text.Json.Nodes.JsonObject)run.Vars.DeepClone())]
        : [];
}
