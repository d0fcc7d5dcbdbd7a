using System.Diagnostics;
using Marten;
using Respond.Domain.Alerts;
using Respond.Domain.Sources;
using Respond.Server.Alerts;

namespace Respond.Server.Sources;

/// <summary>
/// The console sources the webhook sees: every row, read again when the copy is older than <see cref="MaxAge"/> (one
/// query however many names are asked for, so guessing names costs the database nothing more) and at once after a change
/// on this node. Another node's add, rotation or delete so takes effect here within about a second.
/// </summary>
public sealed partial class AddedSourceCache(IDocumentStore store, SourceSecrets secrets, ILogger<AddedSourceCache> logger) : IAddedSources
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(1);

    /// <summary>The sources by key, when the read began, and the count of local changes it has seen.</summary>
    private sealed record Snapshot(IReadOnlyDictionary<string, (Guid Revision, AlertSource Source)> Sources, long ReadAt, long Changes);

    private readonly Lock gate = new();
    private Snapshot snapshot = new(new Dictionary<string, (Guid, AlertSource)>(), ReadAt: 0, Changes: 0); // 0: read long ago
    private Task<Snapshot>? reading;
    private long changes;

    public async ValueTask<AlertSource?> FindAsync(string name, CancellationToken ct)
    {
        if (!SourceNames.IsValid(SourceNames.Key(name)))
        {
            return null; // never a console name: no need to look
        }

        // A read that began before a change made here does not count: at most one more read sees the change.
        var changed = Volatile.Read(ref changes);
        var current = Volatile.Read(ref snapshot);
        for (var reads = 0; reads < 2 && (current.Changes < changed || Stopwatch.GetElapsedTime(current.ReadAt) > MaxAge); reads++)
        {
            current = await ReadAsync().WaitAsync(ct);
        }

        return current.Sources.TryGetValue(SourceNames.Key(name), out var entry) ? entry.Source : null;
    }

    /// <summary>Forgets the copy: the next lookup reads the database (after a change made on this node).</summary>
    public void Invalidate() => Interlocked.Increment(ref changes);

    /// <summary>One read at a time, shared by every lookup that needs it; not cancelled by any one of them.</summary>
    private Task<Snapshot> ReadAsync()
    {
        lock (gate)
        {
            return reading ??= Task.Run(async () =>
            {
                try
                {
                    var next = await ReadOnceAsync(Volatile.Read(ref snapshot), Volatile.Read(ref changes));
                    Volatile.Write(ref snapshot, next);
                    return next;
                }
                catch (Exception ex)
                {
                    // Storage away: keep the last copy for another second rather than turn every delivery into an error.
                    LogReadFailed(logger, ex.GetBaseException().Message);
                    var kept = Volatile.Read(ref snapshot) with { ReadAt = Stopwatch.GetTimestamp() };
                    Volatile.Write(ref snapshot, kept);
                    return kept;
                }
                finally
                {
                    lock (gate)
                    {
                        reading = null;
                    }
                }
            });
        }
    }

    private async Task<Snapshot> ReadOnceAsync(Snapshot previous, long changesSeen)
    {
        var startedAt = Stopwatch.GetTimestamp();
        await using var session = store.QuerySession();
        var records = await session.Query<ConsoleSourceRecord>().ToListAsync();
        var sources = new Dictionary<string, (Guid, AlertSource)>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            // Unchanged rows keep their source; a signing secret that could not be decrypted is tried again (the key ring may
            // have been missing a key another node had just made).
            sources[record.Id] = previous.Sources.TryGetValue(record.Id, out var known) && known.Revision == record.Revision
                && (record.Auth != SourceAuth.Signature || known.Source.HasSigningKey)
                ? known
                : (record.Revision, Build(record));
        }

        return new Snapshot(sources, startedAt, changesSeen);
    }

    private AlertSource Build(ConsoleSourceRecord record)
    {
        var signingKey = secrets.SigningKey(record);
        if (record.Auth == SourceAuth.Signature && signingKey is null)
        {
            LogUnreadableSecret(logger, record.Name);
        }

        return new AlertSource(record.Name, record.Kind, AlertParsers.Create(record.Kind, record.Mapping),
            SourceSecrets.TokenDigest(record), signingKey, new SourceRateLimit());
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Console sources could not be read ({Reason}); the last known ones stay in use")]
    private static partial void LogReadFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Error,
        Message = "The signing secret of source {Source} cannot be decrypted with the key ring: it refuses signed deliveries until rotated")]
    private static partial void LogUnreadableSecret(ILogger logger, string source);
}
