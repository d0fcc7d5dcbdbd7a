using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Marten;
using Microsoft.Extensions.Primitives;

namespace Respond.Server.Playbooks.Library;

/// <summary>
/// The published playbooks for the engine. Versions are immutable, so each is read once and kept.
/// Which playbooks each trigger starts comes from a small index of the heads, reloaded when it is older
/// than <see cref="RefreshEvery"/> and at once after a publish in this process.
/// </summary>
public sealed class PlaybookCatalog(IServiceProvider services, IConfiguration configuration, ILogger<PlaybookCatalog> logger)
    : IPlaybookCatalog
{
    public static readonly TimeSpan RefreshEvery = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<string, PublishedPlaybook> versions = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim reloading = new(1, 1);
    private volatile TriggerIndex? index;
    private int refreshingInBackground;
    private volatile VarsCache mergedVars = new(configuration.GetReloadToken());

    // Resolved on use, not injected: the trigger path may build this catalog while Marten itself is being built.
    private IDocumentStore Store => services.GetRequiredService<IDocumentStore>();

    public async Task<PublishedPlaybook?> GetAsync(string id, int version, CancellationToken cancellationToken)
    {
        var key = PlaybookVersionRecord.IdOf(id, version);
        if (versions.TryGetValue(key, out var cached))
        {
            return cached;
        }

        await using var session = Store.QuerySession();
        var record = await session.LoadAsync<PlaybookVersionRecord>(key, cancellationToken);
        // A missing version is not remembered: it may be the one being published right now.
        return record is null ? null : versions.GetOrAdd(key, _ => record.ToPublished());
    }

    public async Task<PublishedPlaybook?> LatestAsync(string id, CancellationToken cancellationToken)
    {
        int latest;
        await using (var session = Store.QuerySession())
        {
            latest = (await session.LoadAsync<PlaybookHead>(id, cancellationToken))?.LatestVersion ?? 0;
        }

        return latest > 0 ? await GetAsync(id, latest, cancellationToken) : null;
    }

    public async Task<IReadOnlyList<PublishedPlaybook>> TriggeredByAsync(string triggerKind, CancellationToken cancellationToken)
    {
        var current = index is { IsStale: false } fresh ? fresh : await ReloadAsync(Stopwatch.GetTimestamp() - RefreshTicks, cancellationToken);
        var found = new List<PublishedPlaybook>();
        foreach (var (id, version) in current.For(triggerKind))
        {
            if (await GetAsync(id, version, cancellationToken) is { } playbook)
            {
                found.Add(playbook);
            }
        }

        return found;
    }

    /// <summary>
    /// Answers from the index while it is fresh. A stale or missing index answers true (so the caller
    /// takes the full path, which reads fresh data) and is reloaded in the background: a trigger is
    /// never dropped because this process has not looked lately.
    /// </summary>
    public bool AnyTriggeredBy(string triggerKind)
    {
        var current = index;
        if (current is { IsStale: false })
        {
            return current.Has(triggerKind);
        }

        ReloadInBackground();
        return true;
    }

    /// <summary>
    /// Merged once per version (the trigger path asks for every alert that matches), and afresh after the
    /// configuration reloads. Each caller gets its own copy: a run's vars are its own.
    /// </summary>
    public JsonObject VarsFor(PublishedPlaybook playbook)
    {
        var cache = mergedVars;
        if (cache.Settings.HasChanged)
        {
            cache = mergedVars = new VarsCache(configuration.GetReloadToken());
        }

        return cache.Merged.GetOrAdd(PlaybookVersionRecord.IdOf(playbook.Id, playbook.Version),
            _ => PlaybookVars.Merge(playbook.Definition.Vars, configuration.GetSection($"Respond:Playbooks:Vars:{playbook.Id}")))
            .DeepClone().AsObject();
    }

    /// <summary>Reloads the trigger index with a read that starts now: after a publish, it holds that publish.</summary>
    public Task RefreshAsync(CancellationToken cancellationToken) => ReloadAsync(Stopwatch.GetTimestamp(), cancellationToken);

    private static long RefreshTicks => (long)(RefreshEvery.TotalSeconds * Stopwatch.Frequency);

    /// <summary>One reload at a time; a caller waiting behind one that started late enough takes its result.</summary>
    private async Task<TriggerIndex> ReloadAsync(long startedNoEarlierThan, CancellationToken cancellationToken)
    {
        await reloading.WaitAsync(cancellationToken);
        try
        {
            if (index is { } current && current.LoadStartedAt >= startedNoEarlierThan)
            {
                return current;
            }

            var started = Stopwatch.GetTimestamp();
            await using var session = Store.QuerySession();
            var heads = await session.Query<PlaybookHead>()
                .Where(h => h.LatestVersion > 0)
                .Select(h => new TriggerEntry(h.Id, h.LatestVersion, h.Trigger.On))
                .ToListAsync(cancellationToken);
            var loaded = new TriggerIndex(started, heads);
            index = loaded;
            return loaded;
        }
        finally
        {
            reloading.Release();
        }
    }

    private void ReloadInBackground()
    {
        if (Interlocked.Exchange(ref refreshingInBackground, 1) == 1)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await ReloadAsync(Stopwatch.GetTimestamp() - RefreshTicks, CancellationToken.None);
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Could not reload the playbook trigger index; triggers take the full path until it loads");
            }
            finally
            {
                Volatile.Write(ref refreshingInBackground, 0);
            }
        });
    }

    /// <summary>Vars merged under one generation of the settings; <see cref="Settings"/> says when it is over.</summary>
    private sealed class VarsCache(IChangeToken settings)
    {
        public IChangeToken Settings { get; } = settings;

        public ConcurrentDictionary<string, JsonObject> Merged { get; } = new(StringComparer.Ordinal);
    }

    private sealed record TriggerEntry(string Id, int Version, string On);

    private sealed class TriggerIndex(long loadStartedAt, IReadOnlyList<TriggerEntry> entries)
    {
        private readonly ILookup<string, TriggerEntry> byTrigger = entries.ToLookup(e => e.On, StringComparer.Ordinal);

        public long LoadStartedAt { get; } = loadStartedAt;

        public bool IsStale => Stopwatch.GetElapsedTime(LoadStartedAt) > RefreshEvery;

        public bool Has(string triggerKind) => byTrigger.Contains(triggerKind);

        public IEnumerable<(string Id, int Version)> For(string triggerKind) => byTrigger[triggerKind].Select(e => (e.Id, e.Version));
    }
}
