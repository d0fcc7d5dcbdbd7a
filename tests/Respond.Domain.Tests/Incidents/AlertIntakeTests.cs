using Respond.Domain.Alerts;
using Respond.Domain.Common;
using Respond.Domain.Incidents;

namespace Respond.Domain.Tests.Incidents;

public class AlertIntakeTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static NormalizedAlert Alert(string externalId, Severity severity = Severity.Medium, AlertStatus status = AlertStatus.Firing,
        string key = "group-1", params string[] ips) => new()
        {
            Source = "prom",
            Kind = "alertmanager",
            ExternalId = externalId,
            DedupKey = $"{externalId}|{status}",
            CorrelationKey = key,
            Title = $"alert {externalId}",
            Severity = severity,
            Status = status,
            FiredAt = Now.AddMinutes(-1),
            ResolvedAt = status == AlertStatus.Resolved ? Now : null,
            Entities = EntitySet.Of(ips: ips),
        };

    private static Incident Apply(IntakeDecision decision, Incident? state = null) =>
        decision.Events.Aggregate(state, Incident.Evolve)!;

    [Fact]
    public void A_first_alert_opens_an_incident_under_the_given_id()
    {
        var id = AlertIntake.IncidentIdFor("prom", "group-1", 0);
        var decision = AlertIntake.Decide(null, id, Guid.NewGuid(), Alert("a", Severity.High, ips: "10.0.0.5"), Now);
        Assert.Equal(Disposition.Opened, decision.Disposition);
        var incident = Apply(decision);
        Assert.Equal(id, incident.Id);
        Assert.Equal(Severity.High, incident.Severity);
        Assert.Equal(["10.0.0.5"], incident.Entities.Ips);
        Assert.Equal(["prom"], incident.Sources);
        Assert.Equal("source:prom", incident.OpenedBy);
    }

    [Fact]
    public void A_later_alert_correlates_merges_entities_and_raises_severity()
    {
        var open = Apply(AlertIntake.Decide(null, Guid.NewGuid(), Guid.NewGuid(), Alert("a", Severity.Medium, ips: "10.0.0.5"), Now));
        var decision = AlertIntake.Decide(open, Guid.NewGuid(), Guid.NewGuid(), Alert("b", Severity.Critical, ips: ["10.0.0.5", "10.0.0.6"]), Now);
        Assert.Equal(Disposition.Correlated, decision.Disposition);
        Assert.Equal(open.Id, decision.IncidentId);
        var incident = Apply(decision, open);
        Assert.Equal(2, incident.Alerts.Count);
        Assert.Equal(Severity.Critical, incident.Severity);
        Assert.Equal(["10.0.0.5", "10.0.0.6"], incident.Entities.Ips);
        Assert.Contains(decision.Events, e => e is SeverityChanged);
    }

    [Fact]
    public void A_less_severe_alert_leaves_severity_alone()
    {
        var open = Apply(AlertIntake.Decide(null, Guid.NewGuid(), Guid.NewGuid(), Alert("a", Severity.High), Now));
        var decision = AlertIntake.Decide(open, Guid.NewGuid(), Guid.NewGuid(), Alert("b", Severity.Low), Now);
        Assert.DoesNotContain(decision.Events, e => e is SeverityChanged);
    }

    [Fact]
    public void A_resolution_marks_the_matching_alert_resolved()
    {
        var open = Apply(AlertIntake.Decide(null, Guid.NewGuid(), Guid.NewGuid(), Alert("a"), Now));
        var decision = AlertIntake.Decide(open, Guid.NewGuid(), Guid.NewGuid(), Alert("a", status: AlertStatus.Resolved), Now);
        Assert.Equal(Disposition.Resolved, decision.Disposition);
        var alert = Assert.Single(Apply(decision, open).Alerts);
        Assert.Equal(AlertStatus.Resolved, alert.Status);
        Assert.Equal(Now, alert.ResolvedAt);
    }

    [Fact]
    public void A_resolution_with_nothing_open_opens_nothing()
    {
        var decision = AlertIntake.Decide(null, Guid.NewGuid(), Guid.NewGuid(), Alert("a", status: AlertStatus.Resolved), Now);
        Assert.Equal(Disposition.Resolved, decision.Disposition);
        Assert.Null(decision.IncidentId);
        Assert.Empty(decision.Events);
    }

    [Fact]
    public void Ids_are_derived_from_keys()
    {
        Assert.Equal(AlertIntake.AlertIdFor("prom", "x"), AlertIntake.AlertIdFor("prom", "x"));
        Assert.NotEqual(AlertIntake.AlertIdFor("prom", "x"), AlertIntake.AlertIdFor("other", "x"));
        Assert.NotEqual(AlertIntake.IncidentIdFor("prom", "k", 0), AlertIntake.IncidentIdFor("prom", "k", 1));
        Assert.Equal(5, AlertIntake.IncidentIdFor("prom", "k", 0).Version);
    }

    [Fact]
    public void An_incident_shows_its_newest_alerts_and_entities_and_counts_them_all()
    {
        var id = AlertIntake.IncidentIdFor("prom", "group-1", 0);
        Incident? incident = null;
        for (var i = 0; i < 450; i++)
        {
            incident = Apply(AlertIntake.Decide(incident, id, Guid.NewGuid(), Alert($"a{i}", ips: $"10.0.{i / 250}.{i % 250}"), Now), incident);
        }

        Assert.Equal(450, incident!.AlertCount);
        Assert.Equal(Incident.MaxAlertsShown, incident.Alerts.Count);
        Assert.Equal("a350", incident.Alerts[0].ExternalId);
        Assert.Equal("a449", incident.Alerts[^1].ExternalId);
        Assert.Equal(Incident.MaxEntitiesShown, incident.Entities.Ips.Count);
        Assert.Equal("10.0.1.199", incident.Entities.Ips[^1]);
        Assert.Equal(450 - Incident.MaxEntitiesShown, incident.EntitiesOmitted.Ips);

        // A resolution of an alert still shown is recorded; one of an alert no longer shown changes nothing shown.
        incident = Apply(AlertIntake.Decide(incident, id, Guid.NewGuid(), Alert("a449", status: AlertStatus.Resolved), Now), incident);
        incident = Apply(AlertIntake.Decide(incident, id, Guid.NewGuid(), Alert("a0", status: AlertStatus.Resolved), Now), incident);
        Assert.Equal(AlertStatus.Resolved, incident.Alerts[^1].Status);
        Assert.Equal(450, incident.AlertCount);
    }
}
