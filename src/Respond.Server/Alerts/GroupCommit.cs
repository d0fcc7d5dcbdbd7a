using System.Threading.Channels;
using Marten;
using Respond.Domain.Alerts;
using Respond.Server.Storage;

namespace Respond.Server.Alerts;

/// <summary>
/// Group commit for alert storms. Alerts that arrive together and each open a new incident share
/// one transaction, so a burst costs one commit instead of one per alert. Anything that needs a
/// read-modify-write (an existing incident, a repeat inside the batch) or loses a race goes through
/// <see cref="AlertIngestor"/> alone, which stays the authority on uniqueness. Every caller is
/// answered only after the transaction holding its alert has committed.
/// </summary>
public sealed class GroupCommit : IAsyncDisposable
{
    private const int MaxBatch = 64;
    private const int Writers = 2;

    private readonly Channel<Pending> queue = Channel.CreateBounded<Pending>(
        new BoundedChannelOptions(4096) { SingleWriter = false, SingleReader = false });
    private readonly CancellationTokenSource stopping = new();
    private readonly Task[] writers;
    private readonly AlertSessions sessions;
    private readonly AlertIngestor single;
    private readonly DeliveryIngestor deliveries;
    private readonly IntakeLookups lookups;
    private readonly TimeProvider clock;
    private readonly ILogger<GroupCommit> logger;

    public GroupCommit(AlertSessions sessions, AlertIngestor single, DeliveryIngestor deliveries, IntakeLookups lookups, TimeProvider clock,
        ILogger<GroupCommit> logger)
    {
        this.sessions = sessions;
        this.single = single;
        this.deliveries = deliveries;
        this.lookups = lookups;
        this.clock = clock;
        this.logger = logger;
        writers = Enumerable.Range(0, Writers).Select(_ => Task.Run(WriteLoopAsync)).ToArray();
    }

    private sealed record Pending(NormalizedAlert Alert, Guid AlertId, string SlotId, TaskCompletionSource<IngestedAlert> Done);

    /// <summary>
    /// A delivery's alerts, in order: a lone alert joins the group commit; a delivery of several commits in
    /// chunks of its own (<see cref="DeliveryIngestor"/>), rather than one transaction per alert.
    /// </summary>
    public async Task<IReadOnlyList<IngestedAlert>> IngestAllAsync(IReadOnlyList<NormalizedAlert> alerts, CancellationToken cancellationToken) =>
        alerts.Count == 1 ? [await IngestAsync(alerts[0], cancellationToken)] : await deliveries.IngestAsync(alerts, cancellationToken);

    public Task<IngestedAlert> IngestAsync(NormalizedAlert alert, CancellationToken cancellationToken)
    {
        var pending = new Pending(alert, AlertIntake.AlertIdFor(alert.Source, alert.DedupKey),
            CorrelationSlot.IdFor(alert.Source, alert.CorrelationKey),
            new TaskCompletionSource<IngestedAlert>(TaskCreationOptions.RunContinuationsAsynchronously));

        // A full queue means the writers are behind: take the single path rather than wait in line.
        return queue.Writer.TryWrite(pending)
            ? pending.Done.Task.WaitAsync(cancellationToken)
            : single.IngestAsync(alert, cancellationToken);
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<Pending>(MaxBatch);
        try
        {
            while (await queue.Reader.WaitToReadAsync(stopping.Token))
            {
                batch.Clear();
                while (batch.Count < MaxBatch && queue.Reader.TryRead(out var pending))
                {
                    batch.Add(pending);
                }

                if (batch.Count > 0)
                {
                    await WriteAsync(batch);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    // A batch once taken is finished even while stopping: its callers wait for a commit, not a cancel.
    private async Task WriteAsync(List<Pending> batch)
    {
        var alone = new List<Pending>();
        var grouped = new List<(Pending Pending, IngestedAlert Result)>();
        try
        {
            await using var transaction = sessions.Open();
            var session = transaction.Session;
            var known = await lookups.ReadAsync(batch.Select(p => p.AlertId).ToArray(), batch.Select(p => p.SlotId).ToArray(),
                CancellationToken.None);

            var alerts = new HashSet<Guid>();
            var slots = new HashSet<string>();
            var now = clock.GetUtcNow();
            foreach (var pending in batch)
            {
                if (known.Received.TryGetValue(pending.AlertId, out var incidentId))
                {
                    pending.Done.TrySetResult(new IngestedAlert(pending.AlertId, incidentId, Disposition.Duplicate));
                }
                else if (known.KnownSlots.Contains(pending.SlotId) || !slots.Add(pending.SlotId) || !alerts.Add(pending.AlertId))
                {
                    alone.Add(pending);
                }
                else
                {
                    grouped.Add((pending, Stage(transaction, pending, now)));
                }
            }

            if (grouped.Count > 0)
            {
                await transaction.SaveChangesAsync(CancellationToken.None);
            }

            foreach (var (pending, result) in grouped)
            {
                pending.Done.TrySetResult(result);
            }
        }
        catch (Exception ex)
        {
            // A race or a fault anywhere in the shared transaction: nothing of it was committed, so every
            // alert not yet answered goes its own way; the single path retries races or reports the fault.
            logger.LogDebug(ex, "Group commit of {Count} alerts fell back to single commits", batch.Count);
            if (!StorageFailures.IsLostRace(ex))
            {
                sessions.DiscardPooledConnections();
            }

            alone = batch.Where(p => !p.Done.Task.IsCompleted).ToList();
        }

        foreach (var pending in alone)
        {
            _ = CompleteAloneAsync(pending);
        }
    }

    /// <summary>A first alert for its key: its incident, if any, opens under the key's first generation.</summary>
    private static IngestedAlert Stage(AlertSession transaction, Pending pending, DateTimeOffset now)
    {
        transaction.Session.Insert(new CorrelationSlot { Id = pending.SlotId, Generation = 0 });
        return AlertIngestor.Stage(transaction.Session, pending.Alert, pending.AlertId, open: null, stream: null, generation: 0, now,
            transaction.Staged);
    }

    private async Task CompleteAloneAsync(Pending pending)
    {
        try
        {
            pending.Done.TrySetResult(await single.IngestAsync(pending.Alert, CancellationToken.None));
        }
        catch (Exception ex)
        {
            pending.Done.TrySetException(ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await stopping.CancelAsync();
        await Task.WhenAll(writers).ConfigureAwait(false);
        while (queue.Reader.TryRead(out var pending))
        {
            pending.Done.TrySetCanceled();
        }

        stopping.Dispose();
    }
}
