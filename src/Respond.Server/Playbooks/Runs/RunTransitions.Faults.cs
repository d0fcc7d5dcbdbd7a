using Respond.Domain.Playbooks.Runs;
using Respond.Server.Storage;
using Wolverine.Runtime;

namespace Respond.Server.Playbooks.Runs;

/// <summary>
/// A fault that would recur on every redelivery fails the run, in its own transaction, rather than
/// repeating the call before it forever.
/// </summary>
public sealed partial class RunTransitions
{
    private async Task<PlaybookRun> FailOnFaultAsync(Guid runId, RunCommand command, string error, string? actor, CancellationToken ct)
    {
        for (var race = 1; ; race++)
        {
            await using var write = await OpenAsync(runId, ct);
            var run = write.Run ?? throw new RunNotFoundException(runId);
            var decision = RunEngine.Fault(run, command, error,
                new RunContext(null, null, actor ?? AutomatedActor(run.PlaybookId), clock.GetUtcNow()));
            if (decision.Events.Count == 0)
            {
                return run;
            }

            write.Stream.AppendMany(decision.Events);
            await RunWorkOutbox.EnqueueAsync(write.Bus, run.Id, run.IncidentId, decision.Work);
            try
            {
                await write.Session.SaveChangesAsync(ct);
                return decision.State!;
            }
            catch (Exception ex) when (StorageFailures.IsLostRace(ex) && race < MaxRaces)
            {
                logger.LogDebug("Run {RunId} changed while recording its fault; recording it again", runId);
            }
        }
    }

    private async Task<PlaybookRun?> WriteFaultAsync(Guid runId, Guid? incidentId, RunDecision decision, bool startsStream, CancellationToken ct)
    {
        var bus = new MessageContext(wolverine);
        await using var session = sessions.OpenSession(bus);
        if (startsStream)
        {
            session.Events.StartStream<PlaybookRun>(runId, decision.Events);
        }

        await RunWorkOutbox.EnqueueAsync(bus, runId, incidentId, decision.Work);
        try
        {
            await session.SaveChangesAsync(ct);
            return decision.State;
        }
        catch (Exception ex) when (StorageFailures.IsLostRace(ex))
        {
            return null; // The run exists after all (a concurrent start): nothing to record.
        }
    }

    /// <summary>
    /// A fault that trying again will not cure: not the engine's refusals (answered to the caller), not a lost
    /// race, not PostgreSQL being unreachable, not a cancellation.
    /// </summary>
    internal static bool IsFault(Exception ex) => ex is not (OperationCanceledException or RunConflictException or ApprovalForbiddenException
        or RunNotFoundException or IncidentChangeDeferred)
        && !StorageFailures.IsLostRace(ex) && !StorageFailures.IsUnavailable(ex);

    private static string FaultMessage(Exception ex)
    {
        var reason = $"The run stopped on an internal error ({ex.GetType().Name}: {ex.Message})";
        return reason.Length > 500 ? reason[..500] + "…" : reason;
    }
}
