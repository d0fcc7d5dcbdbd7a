using JasperFx;
using JasperFx.Events;
using Marten;
using Respond.Domain.Alerts;
using Respond.Domain.Incidents;
using Respond.Server.Storage;

namespace Respond.Server.Alerts;

public sealed record IngestedAlert(Guid AlertId, Guid? IncidentId, Disposition Disposition);

/// <summary>
/// Stores one alert and its effect on an incident in a single transaction. Uniqueness comes from
/// the storage, not from timing: the alert's id is derived from its duplicate key and the
/// incident's from its correlation key, so concurrent twins collide and the loser re-reads.
/// </summary>
public sealed class AlertIngestor(AlertSessions sessions, TimeProvider clock, ILogger<AlertIngestor> logger)
{
    private const int MaxAttempts = 12;

    // A connection another alert's fault left out of step can be lent again before the pool is cleared, and a
    // neighbour may then read that fault as its own: a few fresh tries tell the two apart.
    private const int MaxFaults = 3;

    public async Task<IngestedAlert> IngestAsync(NormalizedAlert alert, CancellationToken cancellationToken)
    {
        var alertId = AlertIntake.AlertIdFor(alert.Source, alert.DedupKey);
        var slotId = CorrelationSlot.IdFor(alert.Source, alert.CorrelationKey);

        var faults = 0;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TryIngestAsync(alert, alertId, slotId, cancellationToken);
            }
            catch (Exception ex) when (StorageFailures.IsLostRace(ex) && attempt < MaxAttempts)
            {
                logger.LogDebug("Alert {AlertId} lost a race (attempt {Attempt}); retrying", alertId, attempt);
                await Task.Delay(Random.Shared.Next(1, 5 * attempt), cancellationToken);
            }
            catch (Exception ex) when (!StorageFailures.IsLostRace(ex) && ++faults <= MaxFaults && !cancellationToken.IsCancellationRequested)
            {
                // Maybe a connection another alert's fault left broken: discard the pool's and try again.
                // An alert that fails in storage by itself fails every time, alone.
                logger.LogWarning("Alert {AlertId} failed in storage ({Reason}); retrying on a fresh connection ({Fault} of {MaxFaults})",
                    alertId, ex.GetBaseException().Message, faults, MaxFaults);
                sessions.DiscardPooledConnections();
            }
        }
    }

    private async Task<IngestedAlert> TryIngestAsync(NormalizedAlert alert, Guid alertId, string slotId, CancellationToken ct)
    {
        await using var transaction = sessions.Open();
        var session = transaction.Session;

        // One round trip tells whether this is a redelivery and which incident generation the key is on.
        var batch = session.CreateBatchQuery();
        var existingTask = batch.Load<AlertRecord>(alertId);
        var slotTask = batch.Load<CorrelationSlot>(slotId);
        await batch.Execute(ct);
        if (await existingTask is { } existing)
        {
            return new IngestedAlert(alertId, existing.IncidentId, Disposition.Duplicate);
        }

        var slot = await slotTask;
        var generation = slot?.Generation ?? 0;
        Incident? open = null;
        IEventStream<Incident>? stream = null;
        // No slot means no incident was ever opened for this key, so there is nothing to fetch.
        while (slot is not null)
        {
            // Exclusive: concurrent alerts for one incident queue on its stream rather than fail.
            stream = await session.Events.FetchForExclusiveWriting<Incident>(
                AlertIntake.IncidentIdFor(alert.Source, alert.CorrelationKey, generation), ct);
            if (stream.Aggregate is { IsClosed: true })
            {
                generation++;
                continue;
            }

            open = stream.Aggregate;
            break;
        }

        if (slot is null || slot.Generation != generation)
        {
            session.Store(new CorrelationSlot { Id = slotId, Generation = generation });
        }

        var result = Stage(session, alert, alertId, open, stream, generation, clock.GetUtcNow(), transaction.Staged);
        await transaction.SaveChangesAsync(ct);
        return result;
    }

    /// <summary>
    /// Stages an alert's effect in the session: decide, open or append to the incident, and record
    /// the alert. Both the single path and the group commit write through here. The incident events
    /// are added to <paramref name="staged"/> when the caller collects them for triggers.
    /// </summary>
    internal static IngestedAlert Stage(IDocumentSession session, NormalizedAlert alert, Guid alertId, Incident? open,
        IEventStream<Incident>? stream, int generation, DateTimeOffset now, StagedIncidents? staged)
    {
        var incidentId = AlertIntake.IncidentIdFor(alert.Source, alert.CorrelationKey, generation);
        var decision = AlertIntake.Decide(open, incidentId, alertId, alert, now);
        if (decision.Events.Count > 0)
        {
            staged?.Add(open, decision.Events);
            if (open is null)
            {
                session.Events.StartStream<Incident>(incidentId, decision.Events);
            }
            else
            {
                stream!.AppendMany(decision.Events);
            }
        }

        var record = AlertRecord.Of(alertId, decision, alert, now);
        session.Insert(record);
        return record.ToAnswer();
    }
}
