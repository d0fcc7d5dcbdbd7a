using Respond.Domain.Alerts;
using Respond.Domain.Common;

namespace Respond.Domain.Incidents;

/// <summary>
/// The incident as its events built it. Immutable: <see cref="Evolve"/> returns a new state, so a
/// fetched aggregate is never changed in place. Bounded however many alerts join it: it shows the newest
/// <see cref="MaxAlertsShown"/> alerts and <see cref="MaxEntitiesShown"/> values of each entity kind, with
/// <see cref="AlertCount"/> and <see cref="EntitiesOmitted"/> saying what is left out (every alert keeps
/// its own record).
/// </summary>
public sealed record Incident
{
    public const int MaxAlertsShown = 100;
    public const int MaxEntitiesShown = 200;

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

    /// <summary>Every alert that joined, also those no longer in <see cref="Alerts"/>.</summary>
    public int AlertCount { get; init; }

    /// <summary>Entity values left out of <see cref="Entities"/> to keep it bounded, per kind.</summary>
    public EntityCounts EntitiesOmitted { get; init; } = EntityCounts.Zero;
    public IReadOnlyList<Comment> Comments { get; init; } = [];

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
        Entities = e.Entities.Newest(MaxEntitiesShown, out var omitted),
        EntitiesOmitted = omitted,
        Alerts = e.Alert is null ? [] : [e.Alert],
        AlertCount = e.Alert is null ? 0 : 1,
    };

    private Incident After(IIncidentEvent @event) => @event switch
    {
        AlertCorrelated e => Correlated(e),
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

    private Incident Correlated(AlertCorrelated e)
    {
        var entities = Entities.Merge(e.Entities).Newest(MaxEntitiesShown, out var omitted);
        return this with
        {
            Alerts = Alerts.Count < MaxAlertsShown ? [.. Alerts, e.Alert] : [.. Alerts.Skip(Alerts.Count - MaxAlertsShown + 1), e.Alert],

            // An incident stored before the count existed held every alert: its list is its count.
            AlertCount = Math.Max(AlertCount, Alerts.Count) + 1,
            Entities = entities,
            EntitiesOmitted = EntitiesOmitted.Plus(omitted),
            Sources = Sources.Contains(e.Alert.Source) ? Sources : [.. Sources, e.Alert.Source],
        };
    }

    // A responder who skips a milestone has still responded: acknowledgement is implied by any later one.
    private Incident Reached(DateTimeOffset at) => AcknowledgedAt is null ? this with { AcknowledgedAt = at } : this;
}
