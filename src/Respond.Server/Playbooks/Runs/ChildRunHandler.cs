using System.Text.Json.Nodes;
using Respond.Domain.Playbooks.Runs;
using Respond.Server.Playbooks.Library;

namespace Respond.Server.Playbooks.Runs;

/// <summary>A <c>playbook</c> step: the child run starts on its own stream and reports back when it ends.</summary>
public static class ChildRunHandler
{
    public static async Task Handle(StartChildPlaybook message, IPlaybookCatalog catalog, RunTransitions transitions, CancellationToken ct)
    {
        var playbook = await catalog.LatestAsync(message.PlaybookId, ct);
        if (playbook is null)
        {
            await RunTimerHandler.Safely(transitions.ApplyAsync(message.ParentRunId,
                new RecordChildRunEnded(message.ParentStepId, message.ChildRunId, false, $"No published playbook '{message.PlaybookId}'.", null),
                null, ct));
            return;
        }

        var vars = catalog.VarsFor(playbook);
        foreach (var (name, value) in JsonNode.Parse(message.VarsJson) as JsonObject ?? [])
        {
            vars[name] = value?.DeepClone();
        }

        await transitions.StartAsync(playbook,
            new StartRun(message.ChildRunId, playbook.Version, message.IncidentId, "playbook",
                $"child:{message.ParentRunId}:{message.ParentStepId}", ByHand: false, vars, message.ParentRunId, message.ParentStepId,
                message.HandStarter switch
                {
                    null => await HandStarterOfParentAsync(transitions, message.ParentRunId, ct),
                    StartChildPlaybook.NoHandStarter => null,
                    var starter => starter,
                }),
            RunTransitions.AutomatedActor(playbook.Id), ct);
    }

    // A message enqueued before the root's starter travelled with it: read it from the parent run.
    private static async Task<string?> HandStarterOfParentAsync(RunTransitions transitions, Guid parentRunId, CancellationToken ct)
    {
        await using var parent = await transitions.OpenAsync(parentRunId, ct);
        return parent.Run?.HandStarter;
    }

    /// <summary>The parent step timed out: stop the child, unless it has already ended.</summary>
    public static async Task Handle(CancelChildPlaybook message, RunTransitions transitions, CancellationToken ct)
    {
        try
        {
            await RunTimerHandler.Safely(transitions.ApplyAsync(message.ChildRunId, new CancelRun(message.Reason), "system", ct));
        }
        catch (RunConflictException)
        {
            // Already over: nothing to stop.
        }
    }

    /// <summary>A child run ended: its parent's step goes on.</summary>
    public static Task Handle(ChildRunEnded message, RunTransitions transitions, CancellationToken ct) =>
        RunTimerHandler.Safely(transitions.ApplyAsync(message.ParentRunId,
            new RecordChildRunEnded(message.ParentStepId, message.ChildRunId, message.Succeeded, message.Error,
                JsonNode.Parse(message.VarsJson) as JsonObject), null, ct));
}
