using Marten;

namespace Respond.Server.Alerts;

/// <summary>What storage already knows about a batch of alerts: which were received before, and which correlation keys have a slot.</summary>
internal static class IntakeKeys
{
    /// <summary>
    /// One primary-key statement per id, all in one round trip. Not <c>id = ANY($1)</c>: auto-prepared, that
    /// statement gets a cached plan, and a plan made while the table was small scans the whole table every batch.
    /// </summary>
    public static async Task<(Dictionary<Guid, AlertRecord> Received, Dictionary<string, CorrelationSlot> Slots)> ReadAsync(
        IQuerySession session, IReadOnlyCollection<Guid> alertIds, IReadOnlyCollection<string> slotIds, CancellationToken ct)
    {
        var reads = session.CreateBatchQuery();
        var recordTasks = alertIds.Select(id => reads.Load<AlertRecord>(id)).ToArray();
        var slotTasks = slotIds.Select(id => reads.Load<CorrelationSlot>(id)).ToArray();
        await reads.Execute(ct);

        var received = new Dictionary<Guid, AlertRecord>();
        foreach (var record in await Task.WhenAll(recordTasks))
        {
            if (record is not null)
            {
                received[record.Id] = record;
            }
        }

        var slots = new Dictionary<string, CorrelationSlot>(StringComparer.Ordinal);
        foreach (var slot in await Task.WhenAll(slotTasks))
        {
            if (slot is not null)
            {
                slots[slot.Id] = slot;
            }
        }

        return (received, slots);
    }
}
