using System.Text.Json;
using Respond.Domain.Common;

namespace Respond.Domain.Alerts;

public enum AlertStatus
{
    Firing,
    Resolved,
}

/// <summary>
/// One alert, whatever its source format. <see cref="ExternalId"/> names the alert across its
/// firing and resolved deliveries; <see cref="DedupKey"/> names one delivery state of it, so a
/// redelivery of the same state is a duplicate; <see cref="CorrelationKey"/> groups alerts into
/// one incident.
/// </summary>
public sealed record NormalizedAlert
{
    public required string Source { get; init; }
    public required string Kind { get; init; }
    public required string ExternalId { get; init; }
    public required string DedupKey { get; init; }
    public required string CorrelationKey { get; init; }
    public required string Title { get; init; }
    public string? Description { get; init; }
    public required Severity Severity { get; init; }
    public required AlertStatus Status { get; init; }
    public DateTimeOffset? FiredAt { get; init; }
    public DateTimeOffset? ResolvedAt { get; init; }
    public string? Category { get; init; }
    public EntitySet Entities { get; init; } = EntitySet.Empty;
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>The alert as the source sent it; kept for the record, never on hot read models.</summary>
    public JsonElement Raw { get; init; }
}
