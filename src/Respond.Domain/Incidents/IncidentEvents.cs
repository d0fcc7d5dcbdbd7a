using Respond.Domain.Alerts;
using Respond.Domain.Common;

namespace Respond.Domain.Incidents;

/// <summary>Every incident event names the incident, who did it and when: the timeline is the audit trail.</summary>
public interface IIncidentEvent
{
    Guid IncidentId { get; }
    string Actor { get; }
    DateTimeOffset At { get; }
}

public sealed record IncidentOpened(
    Guid IncidentId,
    string Title,
    Severity Severity,
    string? Description,
    string? CorrelationKey,
    string? Source,
    IncidentAlert? Alert,
    EntitySet Entities,
    string Actor,
    DateTimeOffset At) : IIncidentEvent;

public sealed record AlertCorrelated(Guid IncidentId, IncidentAlert Alert, EntitySet Entities, string Actor, DateTimeOffset At)
    : IIncidentEvent;

public sealed record AlertResolved(
    Guid IncidentId,
    Guid AlertId,
    string Source,
    string ExternalId,
    DateTimeOffset ResolvedAt,
    string Actor,
    DateTimeOffset At) : IIncidentEvent;

public sealed record IncidentAcknowledged(Guid IncidentId, string Actor, DateTimeOffset At) : IIncidentEvent;

public sealed record IncidentAssigned(Guid IncidentId, string Assignee, string Actor, DateTimeOffset At) : IIncidentEvent;

public sealed record SeverityChanged(Guid IncidentId, Severity From, Severity To, string Reason, string Actor, DateTimeOffset At)
    : IIncidentEvent;

public sealed record CommentAdded(Guid IncidentId, Guid CommentId, string Text, string Actor, DateTimeOffset At) : IIncidentEvent;

public sealed record ObservableAdded(Guid IncidentId, string Type, string Value, string Actor, DateTimeOffset At) : IIncidentEvent;

/// <summary><paramref name="Automated"/> is true when a playbook, not a person, contained the incident.</summary>
public sealed record IncidentContained(Guid IncidentId, string Summary, bool Automated, string Actor, DateTimeOffset At)
    : IIncidentEvent;

public sealed record IncidentRecovered(Guid IncidentId, string Summary, string Actor, DateTimeOffset At) : IIncidentEvent;

public sealed record IncidentClosed(Guid IncidentId, Classification Classification, string Reason, string Actor, DateTimeOffset At)
    : IIncidentEvent;

public sealed record IncidentReopened(Guid IncidentId, string Reason, string Actor, DateTimeOffset At) : IIncidentEvent;
