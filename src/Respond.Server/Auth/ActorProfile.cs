using System.Collections.Concurrent;
using Marten;

namespace Respond.Server.Auth;

/// <summary>The display name last seen for an actor id (an OIDC <c>oid</c> or <c>sub</c>), for the audit trail.</summary>
public sealed class ActorProfile
{
    public string Id { get; set; } = "";
    public string DisplayName { get; set; } = "";
}

/// <summary>Writes an actor's display name when it is new or has changed; a token seen before costs no write.</summary>
public sealed class ActorProfiles(IDocumentStore store)
{
    private const int MaxRemembered = 10_000;
    private readonly ConcurrentDictionary<string, string> known = new(StringComparer.Ordinal);

    public async Task RememberAsync(string id, string displayName, CancellationToken ct)
    {
        if (known.TryGetValue(id, out var seen) && seen == displayName)
        {
            return;
        }

        await using var session = store.LightweightSession();
        session.Store(new ActorProfile { Id = id, DisplayName = displayName });
        await session.SaveChangesAsync(ct);
        if (known.Count >= MaxRemembered)
        {
            known.Clear(); // bounded; the cost of forgetting is one more upsert
        }

        known[id] = displayName;
    }

    /// <summary>Display names of the given actor ids; ids without a profile (API-key users) name themselves.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> NamesAsync(IQuerySession session, IEnumerable<string> ids, CancellationToken ct)
    {
        var distinct = ids.Distinct(StringComparer.Ordinal).ToArray();
        var profiles = await session.LoadManyAsync<ActorProfile>(ct, distinct);
        var names = distinct.ToDictionary(id => id, id => id, StringComparer.Ordinal);
        foreach (var profile in profiles)
        {
            names[profile.Id] = profile.DisplayName;
        }

        return names;
    }
}
