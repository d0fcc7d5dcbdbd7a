using System.Text.Json.Nodes;
using Respond.Domain.Playbooks.Definitions;
using Respond.Domain.Playbooks.Runs;
using Respond.Server.Connectors;
using Respond.Server.Playbooks.Library;

namespace Respond.Server.Playbooks.Runs;

/// <summary>
/// One attempt of an action step. The attempt was recorded (StepStarted) before this message was
/// sent, so a crash during the call leaves the message in the durable inbox: it runs again after
/// restart with the same <c>Idempotency-Key</c>, and the target can drop the repeat.
/// </summary>
public static class PerformStepHandler
{
    public static async Task Handle(PerformStep message, IPlaybookCatalog catalog, IConnectors connectors,
        RunTransitions transitions, ILogger<PerformStep> logger, CancellationToken ct)
    {
        // The read that checks there is work to do is also the one the result is recorded against (its
        // version the fence), so the step costs one read. The session holds no connection meanwhile.
        await using var write = await transitions.OpenAsync(message.RunId, ct);
        var run = write.Run;
        var state = run?.Step(message.StepId);
        if (run is null || run.IsOver || state is not { Status: StepStatus.Running } || state.Attempts != message.Attempt)
        {
            return; // Already recorded, cancelled or superseded: nothing to do.
        }

        var playbook = await catalog.GetAsync(run.PlaybookId, run.PlaybookVersion, ct);
        if (playbook?.Definition.Step(message.StepId) is not { Type: StepTypes.Action } step)
        {
            logger.LogError("Run {RunId}: step {StepId} is not an action of {PlaybookId} v{Version}", run.Id, message.StepId,
                run.PlaybookId, run.PlaybookVersion);
            // Recorded, so the run fails (its transition faults without the version) rather than waits for ever.
            await transitions.ApplyAsync(write, new RecordStepResult(message.StepId, message.Attempt, false, null,
                $"Step {message.StepId} is not an action of {run.PlaybookId} v{run.PlaybookVersion}.", false), null, ct);
            return;
        }

        RecordStepResult result;
        try
        {
            var output = await connectors.InvokeAsync(step.Connector!, step.Operation!, state.Input as JsonObject ?? [],
                RunEngine.IdempotencyKey(run.Id, step.Id), DurationLimits.ActionTimeout(step, RunEngine.DefaultActionTimeout), ct);
            result = new RecordStepResult(step.Id, message.Attempt, true, output, null, false);
        }
        catch (ConnectorException ex)
        {
            logger.LogWarning("Run {RunId}: step {StepId} attempt {Attempt} failed: {Error}", run.Id, step.Id, message.Attempt, ex.Message);
            result = new RecordStepResult(step.Id, message.Attempt, false, ex.Output, ex.Message, ex.Retryable);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // A fault of ours, not of the target: record it rather than leave the step running for ever.
            logger.LogError(ex, "Run {RunId}: step {StepId} attempt {Attempt} raised an unexpected error", run.Id, step.Id, message.Attempt);
            result = new RecordStepResult(step.Id, message.Attempt, false, null, $"Internal error ({ex.GetType().Name}).", false);
        }

        await transitions.ApplyAsync(write, result, null, ct);
    }
}
