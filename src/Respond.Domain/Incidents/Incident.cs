using Respond.Domain.Alerts;
using Respond.Domain.Common;

namespace Respond.Domain.Incidents;

/// <summary>
/// The incident as its events built it. Immutable: <see cref="Evolve"/> returns a new state, so a
/// fetched aggregate is never changed in place.
/// </summary>
public sealed record Incident
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
    public IReadOnlyList<Comment> Comments { get; init; } = [];
    public IReadOnlyList<RunSummary> Runs { get; init; } = [];

    public bool IsClosed => Status == IncidentStatus.Closed;

    /// <summary>Applies one event. Unknown events leave the state as it is.</summary>
    public static Incident? Evolve(Incident? state, object @event) => (state, @event) switch
    {
        (_, IncidentOpened e) => Opened(e),
        (null, _) => null,
        (var s, IIncidentEvent e) => s.After(e) with { UpdatedAt = e.At },
        (var s, _) => s,
    };

    private static Incident Opened(IncidentOpened e) => new()
    {
        Id = e.IncidentId,
        Title = e.Title,
        Description = e.Description,
        Status = IncidentStatus.New,
        Severity = e.Severity,
        CorrelationKey = e.CorrelationKey,
        OpenedBy = e.Actor,
        Sources = e.Source is null ? [] : [e.Source],
        OpenedAt = e.At,
        UpdatedAt = e.At,
        Entities = e.Entities,
        Alerts = e.Alert is null ? [] : [e.Alert],
    };

    private Incident After(IIncidentEvent @event) => @event switch
    {
        AlertCorrelated e => this with
        {
            Alerts = [.. Alerts, e.Alert],
            Entities = Entities.Merge(e.Entities),
            Sources = Sources.Contains(e.Alert.Source) ? Sources : [.. Sources, e.Alert.Source],
        },
        AlertResolved e => this with
        {
            Alerts = Alerts
                .Select(a => a.Source == e.Source && a.ExternalId == e.ExternalId && a.Status == AlertStatus.Firing
                    ? a with { Status = AlertStatus.Resolved, ResolvedAt = e.ResolvedAt }
                    : a)
                .ToArray(),
        },
        IncidentAcknowledged e => this with { Status = IncidentStatus.Acknowledged, AcknowledgedAt = e.At },
        IncidentAssigned e => this with { Assignee = e.Assignee },
        SeverityChanged e => this with { Severity = e.To },
        CommentAdded e => this with { Comments = [.. Comments, new Comment(e.CommentId, e.Text, e.Actor, e.At)] },
        ObservableAdded e => this with { Observables = [.. Observables, new Observable(e.Type, e.Value)] },
        IncidentContained e => Reached(e.At) with
        {
            Status = IncidentStatus.Contained,
            ContainedAt = e.At,
            ContainedAutomatically = e.Automated,
        },
        IncidentRecovered e => Reached(e.At) with { Status = IncidentStatus.Recovered, RecoveredAt = e.At },
        IncidentClosed e => Reached(e.At) with
        {
            Status = IncidentStatus.Closed,
            ClosedAt = e.At,
            Classification = e.Classification,
        },
        IncidentReopened => this with { Status = IncidentStatus.Acknowledged, ClosedAt = null, Classification = null },
        _ => this,
    };

    // A responder who skips a milestone has still responded: acknowledgement is implied by any later one.
    private Incident Reached(DateTimeOffset at) => AcknowledgedAt is null ? this with { AcknowledgedAt = at } : this;
}
