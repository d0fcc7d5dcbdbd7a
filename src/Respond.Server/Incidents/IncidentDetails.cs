using Respond.Domain.Alerts;
using Respond.Domain.Common;
using Respond.Domain.Incidents;

namespace Respond.Server.Incidents;

/// <summary>
/// The answer of <c>GET /api/incidents/{id}</c>: the incident as its events built it, with the playbook runs started on it.
/// The API's own type, so the aggregate carries nothing only this answer needs. Its fields, in this order, are the
/// public JSON (pinned by the snapshot tests).
/// </summary>
public sealed record IncidentDetails
{
    public Guid Id { get; init; }
    public long Version { get; init; }
    public string Title { get; init; } = "";
    public string? Description { get; init; }
    public IncidentStatus Status { get; init; }
    public Severity Severity { get; init; }
    public Classification? Classification { get; init; }
    public string? Assignee { get; init; }
    public string? CorrelationKey { get; init; }
    public string OpenedBy { get; init; } = "";
    public IReadOnlyList<string> Sources { get; init; } = [];
    public DateTimeOffset OpenedAt { get; init; }
    public DateTimeOffset? AcknowledgedAt { get; init; }
    public DateTimeOffset? ContainedAt { get; init; }
    public DateTimeOffset? RecoveredAt { get; init; }
    public DateTimeOffset? ClosedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public bool ContainedAutomatically { get; init; }
    public EntitySet Entities { get; init; } = EntitySet.Empty;
    public IReadOnlyList<Observable> Observables { get; init; } = [];
    public IReadOnlyList<IncidentAlert> Alerts { get; init; } = [];
    public int AlertCount { get; init; }
    public EntityCounts EntitiesOmitted { get; init; } = EntityCounts.Zero;
    public IReadOnlyList<Comment> Comments { get; init; } = [];
    public IReadOnlyList<RunSummary> Runs { get; init; } = [];
    public bool IsClosed { get; init; }

    public static IncidentDetails From(Incident incident, IReadOnlyList<RunSummary> runs) => new()
    {
        Id = incident.Id,
        Version = incident.Version,
        Title = incident.Title,
        Description = incident.Description,
        Status = incident.Status,
        Severity = incident.Severity,
        Classification = incident.Classification,
        Assignee = incident.Assignee,
        CorrelationKey = incident.CorrelationKey,
        OpenedBy = incident.OpenedBy,
        Sources = incident.Sources,
        OpenedAt = incident.OpenedAt,
        AcknowledgedAt = incident.AcknowledgedAt,
        ContainedAt = incident.ContainedAt,
        RecoveredAt = incident.RecoveredAt,
        ClosedAt = incident.ClosedAt,
        UpdatedAt = incident.UpdatedAt,
        ContainedAutomatically = incident.ContainedAutomatically,
        Entities = incident.Entities,
        Observables = incident.Observables,
        Alerts = incident.Alerts,
        AlertCount = incident.AlertCount,
        EntitiesOmitted = incident.EntitiesOmitted,
        Comments = incident.Comments,
        Runs = runs,
        IsClosed = incident.IsClosed,
    };
}

/// <summary>A playbook run started on the incident, as <see cref="IncidentDetails"/> lists it.</summary>
public sealed record RunSummary(Guid Id, string PlaybookId, string Status);
