using JasperFx.Events;
using Respond.Domain.Alerts;
using Respond.Domain.Incidents;
using Respond.Server.Storage;

namespace Respond.Server.Alerts;

/// <summary>
/// A delivery of many alerts (an Alertmanager or Grafana group) commits in chunks of
/// <see cref="ChunkSize"/>, each one transaction: it reads which alerts were received before and which
/// incident each key is on, decides every alert in order against the incident as the earlier ones left
/// it, and appends each incident's events at once. A chunk that loses a race is decided again from a
/// fresh read, so nothing is lost or doubled; one that fails otherwise goes alert by alert through
/// <see cref="AlertIngestor"/>, so a bad alert fails only itself.
/// </summary>
public sealed class DeliveryIngestor(AlertSessions sessions, AlertIngestor single, IntakeLookups lookups, TimeProvider clock,
    ILogger<DeliveryIngestor> logger)
{
    public const int ChunkSize = 250;
    private const int MaxAttempts = 12;

    public async Task<IReadOnlyList<IngestedAlert>> IngestAsync(IReadOnlyList<NormalizedAlert> alerts, CancellationToken ct)
    {
        var results = new List<IngestedAlert>(alerts.Count);
        foreach (var chunk in alerts.Chunk(ChunkSize))
        {
            results.AddRange(await IngestChunkAsync(chunk, ct));
        }

        return results;
    }

    private async Task<IReadOnlyList<IngestedAlert>> IngestChunkAsync(NormalizedAlert[] chunk, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TryChunkAsync(chunk, ct);
            }
            catch (Exception ex) when (StorageFailures.IsLostRace(ex) && attempt < MaxAttempts)
            {
                logger.LogDebug("A chunk of {Count} alerts lost a race (attempt {Attempt}); deciding again", chunk.Length, attempt);
                await Task.Delay(Random.Shared.Next(1, 5 * attempt), ct);
            }
            catch (Exception ex) when (!StorageFailures.IsLostRace(ex) && !ct.IsCancellationRequested)
            {
                logger.LogWarning("A chunk of {Count} alerts failed in storage ({Reason}); storing them one by one", chunk.Length,
                    ex.GetBaseException().Message);
                sessions.DiscardPooledConnections();
                var results = new List<IngestedAlert>(chunk.Length);
                foreach (var alert in chunk)
                {
                    results.Add(await single.IngestAsync(alert, ct));
                }

                return results;
            }
        }
    }

    /// <summary>What one correlation key's incident looks like as the chunk's alerts are decided.</summary>
    private sealed class KeyState
    {
        public int Generation { get; init; }
        public bool StoreSlot { get; init; }
        public IEventStream<Incident>? Stream { get; init; }
        public Incident? Open { get; set; }
        public Guid? IncidentId { get; set; }
        public List<object> Events { get; } = [];
    }

    private async Task<IReadOnlyList<IngestedAlert>> TryChunkAsync(NormalizedAlert[] chunk, CancellationToken ct)
    {
        var alertIds = chunk.Select(a => AlertIntake.AlertIdFor(a.Source, a.DedupKey)).ToArray();
        var slotIds = chunk.Select(a => CorrelationSlot.IdFor(a.Source, a.CorrelationKey)).ToArray();
        var known = await lookups.ReadAsync(alertIds.Distinct().ToArray(), slotIds.Distinct().ToArray(), ct);

        await using var transaction = sessions.Open();
        var session = transaction.Session;

        // Each key's incident, read for writing in a fixed order: chunks that share keys queue instead of deadlocking.
        var keys = new Dictionary<string, KeyState>(StringComparer.Ordinal);
        var needed = Enumerable.Range(0, chunk.Length).Where(i => !known.Received.ContainsKey(alertIds[i]))
            .GroupBy(i => slotIds[i]).OrderBy(g => g.Key, StringComparer.Ordinal);
        foreach (var key in needed)
        {
            keys[key.Key] = await ReadKeyAsync(session, chunk[key.First()], key.Key, known.KnownSlots.Contains(key.Key), ct);
        }

        var now = clock.GetUtcNow();
        var results = new List<IngestedAlert>(chunk.Length);
        var decided = new Dictionary<Guid, IngestedAlert>();
        for (var i = 0; i < chunk.Length; i++)
        {
            var (alert, alertId) = (chunk[i], alertIds[i]);
            if (known.Received.TryGetValue(alertId, out var received))
            {
                results.Add(new IngestedAlert(alertId, received, Disposition.Duplicate));
                continue;
            }

            if (decided.TryGetValue(alertId, out var earlier))
            {
                results.Add(earlier with { Disposition = Disposition.Duplicate });
                continue;
            }

            var key = keys[slotIds[i]];
            var decision = AlertIntake.Decide(key.Open, AlertIntake.IncidentIdFor(alert.Source, alert.CorrelationKey, key.Generation),
                alertId, alert, now);
            if (decision.Events.Count > 0)
            {
                transaction.Staged?.Add(key.Open, decision.Events);
                key.Events.AddRange(decision.Events);
                key.IncidentId = decision.IncidentId;
                key.Open = decision.Events.Aggregate(key.Open, Incident.Evolve)! with { Version = (key.Open?.Version ?? 0) + decision.Events.Count };
            }

            var record = AlertRecord.Of(alertId, decision, alert, now);
            session.Insert(record);
            var result = record.ToAnswer();
            decided[alertId] = result;
            results.Add(result);
        }

        foreach (var (slotId, key) in keys)
        {
            if (key.StoreSlot)
            {
                session.Store(new CorrelationSlot { Id = slotId, Generation = key.Generation });
            }

            if (key.Events.Count == 0)
            {
                continue;
            }

            if (key.Stream?.Aggregate is null)
            {
                // Opened by this chunk: a concurrent opener collides on the stream id and one of the two decides again.
                session.Events.StartStream<Incident>(key.IncidentId!.Value, key.Events);
            }
            else
            {
                key.Stream.AppendMany(key.Events);
            }
        }

        await transaction.SaveChangesAsync(ct);
        return results;
    }

    private static async Task<KeyState> ReadKeyAsync(Marten.IDocumentSession session, NormalizedAlert alert, string slotId, bool slotKnown,
        CancellationToken ct)
    {
        if (!slotKnown)
        {
            return new KeyState { Generation = 0, StoreSlot = true };
        }

        var slot = await session.LoadAsync<CorrelationSlot>(slotId, ct);
        var generation = slot?.Generation ?? 0;
        while (true)
        {
            // Exclusive, as on the single path: alerts for one incident queue on its stream.
            var stream = await session.Events.FetchForExclusiveWriting<Incident>(
                AlertIntake.IncidentIdFor(alert.Source, alert.CorrelationKey, generation), ct);
            if (stream.Aggregate is { IsClosed: true })
            {
                generation++;
                continue;
            }

            return new KeyState
            {
                Generation = generation,
                StoreSlot = slot is null || slot.Generation != generation,
                Stream = stream,
                Open = stream.Aggregate,
            };
        }
    }
}
