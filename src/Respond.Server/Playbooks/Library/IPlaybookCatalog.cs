using System.Text.Json.Nodes;
using Respond.Domain.Playbooks.Definitions;

namespace Respond.Server.Playbooks.Library;

/// <summary>An immutable published version of a playbook: what a run pins.</summary>
public sealed record PublishedPlaybook(string Id, int Version, PlaybookDefinition Definition, DateTimeOffset PublishedAt, string PublishedBy);

/// <summary>The published playbooks, as the engine and the triggers read them.</summary>
public interface IPlaybookCatalog
{
    /// <summary>One published version (immutable, so it may be cached for ever).</summary>
    Task<PublishedPlaybook?> GetAsync(string id, int version, CancellationToken cancellationToken);

    /// <summary>The newest published version, or null when none is published.</summary>
    Task<PublishedPlaybook?> LatestAsync(string id, CancellationToken cancellationToken);

    /// <summary>The newest published version of every playbook whose <c>trigger.on</c> is <paramref name="triggerKind"/>.</summary>
    Task<IReadOnlyList<PublishedPlaybook>> TriggeredByAsync(string triggerKind, CancellationToken cancellationToken);

    /// <summary>
    /// Whether any published playbook listens to <paramref name="triggerKind"/>. Synchronous and cheap
    /// (cached, refreshed within two seconds and at once on a local publish): it sits on the alert hot path.
    /// </summary>
    bool AnyTriggeredBy(string triggerKind);

    /// <summary>The playbook's <c>vars</c> defaults overlaid with <c>Respond:Playbooks:Vars:{id}:{name}</c> settings.</summary>
    JsonObject VarsFor(PublishedPlaybook playbook);
}
