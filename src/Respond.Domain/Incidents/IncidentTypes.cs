using Respond.Domain.Alerts;
using Respond.Domain.Common;

namespace Respond.Domain.Incidents;

public enum IncidentStatus
{
    New,
    Acknowledged,
    Contained,
    Recovered,
    Closed,
}

/// <summary>Sentinel's incident classification.</summary>
public enum Classification
{
    TruePositive,
    BenignPositive,
    FalsePositive,
    Undetermined,
}

/// <summary>An alert as the incident shows it: the summary, never the raw payload.</summary>
public sealed record IncidentAlert(
    Guid Id,
    string ExternalId,
    string Source,
    string Kind,
    string Title,
    Severity Severity,
    AlertStatus Status,
    string? Category,
    DateTimeOffset? FiredAt,
    DateTimeOffset? ResolvedAt)
{
    public static IncidentAlert From(Guid alertId, NormalizedAlert alert) => new(
        alertId,
        alert.ExternalId,
        alert.Source,
        alert.Kind,
        alert.Title,
        alert.Severity,
        alert.Status,
        alert.Category,
        alert.FiredAt,
        alert.ResolvedAt);
}

public sealed record Observable(string Type, string Value);

public sealed record Comment(Guid Id, string Text, string Author, DateTimeOffset At);
