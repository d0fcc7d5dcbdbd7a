using JasperFx.Metadata;
using Respond.Domain.Playbooks.Definitions;

namespace Respond.Server.Playbooks.Library;

/// <summary>
/// The library's index entry for one playbook: what the list shows and what the catalog's trigger
/// cache reads. Name, trigger and phase are the latest version's (the draft's while nothing is
/// published). Written with optimistic concurrency, so publishes and draft saves of one playbook
/// that race are retried instead of one silently undoing the other.
/// </summary>
public sealed record PlaybookHead : IVersioned
{
    public string Id { get; init; } = "";

    public string Name { get; init; } = "";

    public string? Description { get; init; }

    public string? Phase { get; init; }

    public PlaybookTrigger Trigger { get; init; } = new();

    /// <summary>0 while only a draft exists.</summary>
    public int LatestVersion { get; init; }

    public DateTimeOffset? PublishedAt { get; init; }

    public bool HasDraft { get; init; }

    public DateTimeOffset? DraftSavedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Marten's concurrency token.</summary>
    public Guid Version { get; set; }

    public PlaybookHead Describing(PlaybookDefinition definition) => this with
    {
        Name = definition.Name,
        Description = definition.Description,
        Phase = definition.Phase,
        Trigger = definition.Trigger,
    };
}
