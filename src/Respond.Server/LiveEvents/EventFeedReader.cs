using Marten;
using Npgsql;

namespace Respond.Server.LiveEvents;

/// <summary>
/// The process's one reader of the event store for the live feed: every 250 ms it reads the events after the last it
/// published, in sequence order, and hands the feed's items to <see cref="EventFeed"/>.
/// </summary>
/// <remarks>
/// Sequence numbers are taken before a transaction commits, so two writers can commit out of order: event 11 may be
/// visible while 10 is not yet. The reader stops at such a gap and waits for it to fill; a gap still open after
/// <see cref="GapWait"/> belongs to a transaction that rolled back (or a very slow one), and is passed over.
/// </remarks>
public sealed partial class EventFeedReader(
    EventFeed feed, IDocumentStore store, NpgsqlDataSource database, ILogger<EventFeedReader> logger) : BackgroundService
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);
    public static readonly TimeSpan GapWait = TimeSpan.FromSeconds(3);
    private const int Batch = 500;

    private long? gapAt;
    private DateTime gapSince;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var position = await StartingPositionAsync(stoppingToken);
        feed.Start(position);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var moved = await PollAsync(position, stoppingToken);
                if (moved > position)
                {
                    position = moved;
                    continue; // there may be more right away
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Any fault (the database away, a failover) must not end the feed for the life of the process.
                LogReadFailed(logger, ex);
            }

            await Task.Delay(PollInterval, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>"Now": the newest sequence in the store, waiting out a database that is not there yet.</summary>
    private async Task<long> StartingPositionAsync(CancellationToken ct)
    {
        while (true)
        {
            try
            {
                await using var command = database.CreateCommand("select coalesce(max(seq_id), 0) from respond.mt_events");
                return Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (NpgsqlException ex) when (!ct.IsCancellationRequested)
            {
                LogReadFailed(logger, ex);
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
            }
        }
    }

    /// <summary>Publishes what follows <paramref name="position"/> without a gap; the new position.</summary>
    private async Task<long> PollAsync(long position, CancellationToken ct)
    {
        if (feed.Count == 0)
        {
            // Nobody listens: only the sequence numbers are read (no event bodies to load and map), and the position
            // moves only if still nobody listens, so a stream that joined meanwhile misses nothing.
            var idle = Contiguous(position, await SequencesAsync(position, ct));
            return idle > position && feed.TryAdvanceIdle(idle) ? idle : position;
        }

        await using var session = store.QuerySession();
        var events = await session.Events.QueryAllRawEvents()
            .Where(e => e.Sequence > position)
            .OrderBy(e => e.Sequence)
            .Take(Batch)
            .ToListAsync(ct);
        var next = Contiguous(position, events.Select(e => e.Sequence).ToList());
        var ready = events.TakeWhile(e => e.Sequence <= next).ToList();
        if (ready.Count > 0)
        {
            feed.Publish(await FeedItems.MapAsync(session, ready, ct), next);
        }

        return next;
    }

    private async Task<List<long>> SequencesAsync(long position, CancellationToken ct)
    {
        await using var command = database.CreateCommand(
            $"select seq_id from respond.mt_events where seq_id > $1 order by seq_id limit {Batch}");
        command.Parameters.Add(new NpgsqlParameter { Value = position });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var sequences = new List<long>();
        while (await reader.ReadAsync(ct))
        {
            sequences.Add(reader.GetInt64(0));
        }

        return sequences;
    }

    /// <summary>The last of <paramref name="sequences"/> that follows <paramref name="position"/> without an open gap.</summary>
    private long Contiguous(long position, List<long> sequences)
    {
        var next = position;
        foreach (var sequence in sequences)
        {
            if (sequence != next + 1 && !GapTimedOut(next + 1))
            {
                break;
            }

            next = sequence;
        }

        return next;
    }

    private bool GapTimedOut(long missing)
    {
        var now = DateTime.UtcNow;
        if (gapAt != missing)
        {
            (gapAt, gapSince) = (missing, now);
            return false;
        }

        if (now - gapSince < GapWait)
        {
            return false;
        }

        gapAt = null;
        LogGapSkipped(logger, missing);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The live feed could not read the event store; it tries again")]
    private static partial void LogReadFailed(ILogger logger, Exception ex);

    [LoggerMessage(Level = LogLevel.Debug, Message = "The live feed passed over event sequence {Sequence}, never committed")]
    private static partial void LogGapSkipped(ILogger logger, long sequence);
}
