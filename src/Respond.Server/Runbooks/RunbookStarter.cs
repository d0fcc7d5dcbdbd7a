using Respond.Domain.Common;
using Respond.Domain.Playbooks.Definitions;
using Respond.Domain.Playbooks.Runs;
using Respond.Server.Playbooks.Library;
using Respond.Server.Playbooks.Runs;

namespace Respond.Server.Runbooks;

/// <summary>Starts runbook runs on the durable engine: one per schedule slot, or one by hand. Hangfire only fires them.</summary>
public sealed class RunbookStarter(RunbookDirectory directory, IPlaybookCatalog catalog, RunTransitions transitions,
    RunbookRunGuard guard, ILogger<RunbookStarter> logger)
{
    public const string ScheduleActor = "schedule";

    private static readonly Guid SlotNamespace = new("7b2e9c41-5d3a-4f6e-8a1b-0c9d2e4f6a83");

    /// <summary>
    /// The run for the slot that <paramref name="firedAt"/> belongs to. Its id is derived from the runbook and the slot, so two
    /// processes firing the same slot, or a retried firing, start one run between them. Null when nothing was started.
    /// </summary>
    public async Task<Guid?> StartSlotAsync(string runbookId, DateTimeOffset firedAt, CancellationToken ct)
    {
        var runbook = await directory.FindAsync(runbookId, ct);
        if (runbook is not { Published: { } playbook, Scheduled: true })
        {
            logger.LogInformation("Runbook {RunbookId} fired but is not scheduled ({Reason}); nothing started", runbookId,
                runbook?.NotScheduledReason ?? "no published schedule playbook has that id");
            return null;
        }

        var slot = CronSlots.Latest(runbook.Cron, runbook.TimeZone, firedAt) ?? firedAt;
        var key = $"schedule:{runbook.Id}:{slot.UtcDateTime:O}";
        var runId = DeterministicGuid.Create(SlotNamespace, key);
        PlaybookRun? started = null;
        var going = await guard.StartUnlessRunningAsync(runbook.Id, async () => started = await transitions.StartAsync(playbook,
            new StartRun(runId, playbook.Version, null, TriggerKinds.Schedule, key, ByHand: false, catalog.VarsFor(playbook)),
            ScheduleActor, ct), ct);
        if (going is not null)
        {
            logger.LogWarning("Runbook {RunbookId} slot {Slot:O} skipped: run {RunId} (started {StartedAt:O}) is still going",
                runbook.Id, slot, going.Id, going.StartedAt);
            return going.Id == runId ? runId : null;
        }

        logger.LogInformation(started is null
            ? "Runbook {RunbookId} slot {Slot:O}: run {RunId} was already started"
            : "Runbook {RunbookId} slot {Slot:O}: run {RunId} started", runbook.Id, slot, runId);
        return runId;
    }

    /// <summary>
    /// "Run now": a responder starts the newest version at once, outside the schedule; four eyes binds them on its approvals.
    /// Answers the new run's id, or the run still going (nothing is started then).
    /// </summary>
    public async Task<(Guid RunId, bool Started)> StartNowAsync(PublishedPlaybook playbook, string actor, CancellationToken ct)
    {
        var runId = Guid.CreateVersion7();
        var going = await guard.StartUnlessRunningAsync(playbook.Id, () => transitions.StartAsync(playbook,
            new StartRun(runId, playbook.Version, null, TriggerKinds.Manual, $"manual:{runId}", ByHand: true, catalog.VarsFor(playbook)),
            actor, ct), ct);
        return going is null ? (runId, true) : (going.Id, false);
    }
}
