using JasperFx.Events;
using Marten.Events.Aggregation;
using Respond.Domain.Common;
using Respond.Domain.Incidents;

namespace Respond.Server.Metrics;

/// <summary>The few facts per incident that SOC metrics need; built by the async daemon, off the write path.</summary>
public sealed record IncidentMetricsRow
{
    public Guid Id { get; init; }
    public DateTimeOffset OpenedAt { get; init; }
    public DateTimeOffset? AcknowledgedAt { get; init; }
    public DateTimeOffset? ContainedAt { get; init; }
    public DateTimeOffset? RecoveredAt { get; init; }
    public DateTimeOffset? ClosedAt { get; init; }
    public IncidentStatus Status { get; init; }
    public Severity Severity { get; init; }
    public IReadOnlyList<string> Sources { get; init; } = [];
    public bool ContainedAutomatically { get; init; }
}

public sealed partial class IncidentMetricsProjection : SingleStreamProjection<IncidentMetricsRow, Guid>
{
    // Only its own stream's events: otherwise every write to another stream would look for a document by that stream's id.
    public IncidentMetricsProjection() => IncludeType<IIncidentEvent>();

    // The incident's own evolution decides the milestones, so metrics and detail never disagree.
    public override IncidentMetricsRow? Evolve(IncidentMetricsRow? snapshot, Guid id, IEvent e)
    {
        var incident = Incident.Evolve(snapshot is null ? null : ToIncident(snapshot), e.Data);
        return incident is null ? snapshot : new IncidentMetricsRow
        {
            Id = incident.Id,
            OpenedAt = incident.OpenedAt,
            AcknowledgedAt = incident.AcknowledgedAt,
            ContainedAt = incident.ContainedAt,
            RecoveredAt = incident.RecoveredAt,
            ClosedAt = incident.ClosedAt,
            Status = incident.Status,
            Severity = incident.Severity,
            Sources = incident.Sources,
            ContainedAutomatically = incident.ContainedAutomatically,
        };
    }

    private static Incident ToIncident(IncidentMetricsRow row) => new()
    {
        Id = row.Id,
        OpenedAt = row.OpenedAt,
        AcknowledgedAt = row.AcknowledgedAt,
        ContainedAt = row.ContainedAt,
        RecoveredAt = row.RecoveredAt,
        ClosedAt = row.ClosedAt,
        Status = row.Status,
        Severity = row.Severity,
        Sources = row.Sources,
        ContainedAutomatically = row.ContainedAutomatically,
    };
}
