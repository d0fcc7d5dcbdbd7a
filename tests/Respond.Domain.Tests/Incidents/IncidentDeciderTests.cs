using Respond.Domain.Common;
using Respond.Domain.Incidents;

namespace Respond.Domain.Tests.Incidents;

public class IncidentDeciderTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
    private static readonly Guid Id = Guid.NewGuid();

    private static Incident Given(params object[] events) =>
        events.Aggregate((Incident?)null, Incident.Evolve) ?? throw new InvalidOperationException("no incident");

    private static IncidentOpened Opened() =>
        IncidentDecider.Decide(new OpenIncident(Id, "  Brute force on vpn-01 ", Severity.High, null, "alice", T0));

    [Fact]
    public void Opening_trims_the_title_and_starts_new()
    {
        var incident = Given(Opened());
        Assert.Equal("Brute force on vpn-01", incident.Title);
        Assert.Equal(IncidentStatus.New, incident.Status);
        Assert.Equal(T0, incident.OpenedAt);
        Assert.Equal("alice", incident.OpenedBy);
    }

    [Fact]
    public void Opening_without_a_title_is_invalid() =>
        Assert.Throws<InvalidCommandException>(() => IncidentDecider.Decide(new OpenIncident(Id, " ", Severity.Low, null, "a", T0)));

    [Fact]
    public void Acknowledge_records_actor_and_time()
    {
        var events = IncidentDecider.Decide(Given(Opened()), new AcknowledgeIncident("bob", T0.AddMinutes(3)));
        var acknowledged = Assert.IsType<IncidentAcknowledged>(Assert.Single(events));
        Assert.Equal("bob", acknowledged.Actor);
        Assert.Equal(T0.AddMinutes(3), acknowledged.At);
        Assert.Equal(T0.AddMinutes(3), Given(Opened(), acknowledged).AcknowledgedAt);
    }

    [Fact]
    public void Acknowledging_twice_is_a_conflict()
    {
        var incident = Given(Opened(), new IncidentAcknowledged(Id, "bob", T0));
        var error = Assert.Throws<IncidentConflictException>(() => IncidentDecider.Decide(incident, new AcknowledgeIncident("bob", T0)));
        Assert.Contains("already acknowledged", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_responder_may_skip_milestones_and_acknowledgement_is_implied()
    {
        var contained = IncidentDecider.Decide(Given(Opened()), new ContainIncident("blocked", false, "bob", T0.AddMinutes(9)));
        var incident = Given([Opened(), .. contained]);
        Assert.Equal(IncidentStatus.Contained, incident.Status);
        Assert.Equal(T0.AddMinutes(9), incident.AcknowledgedAt);
        Assert.Equal(T0.AddMinutes(9), incident.ContainedAt);
    }

    [Fact]
    public void Milestones_do_not_go_backwards()
    {
        var recovered = Given(Opened(), new IncidentRecovered(Id, "restored", "bob", T0));
        Assert.Throws<IncidentConflictException>(() => IncidentDecider.Decide(recovered, new ContainIncident("", false, "bob", T0)));
    }

    [Fact]
    public void Close_then_reopen_returns_to_acknowledged_and_clears_the_classification()
    {
        var closed = Given(Opened(), new IncidentClosed(Id, Classification.FalsePositive, "test alert", "bob", T0));
        Assert.Equal(Classification.FalsePositive, closed.Classification);
        var reopened = Given(Opened(), new IncidentClosed(Id, Classification.FalsePositive, "", "bob", T0),
            Assert.Single(IncidentDecider.Decide(closed, new ReopenIncident("it was real", "carol", T0.AddHours(1)))));
        Assert.Equal(IncidentStatus.Acknowledged, reopened.Status);
        Assert.Null(reopened.Classification);
        Assert.Null(reopened.ClosedAt);
    }

    [Fact]
    public void A_closed_incident_refuses_changes_but_takes_comments()
    {
        var closed = Given(Opened(), new IncidentClosed(Id, Classification.TruePositive, "", "bob", T0));
        Assert.Throws<IncidentConflictException>(() => IncidentDecider.Decide(closed, new AssignIncident("dave", "bob", T0)));
        Assert.Throws<IncidentConflictException>(() => IncidentDecider.Decide(closed, new ChangeSeverity(Severity.Low, "x", "bob", T0)));
        Assert.Throws<IncidentConflictException>(() => IncidentDecider.Decide(closed, new CloseIncident(Classification.TruePositive, "", "b", T0)));
        Assert.Single(IncidentDecider.Decide(closed, new AddComment(Guid.NewGuid(), "lessons learned", "bob", T0)));
    }

    [Fact]
    public void Only_a_closed_incident_can_be_reopened() =>
        Assert.Throws<IncidentConflictException>(() => IncidentDecider.Decide(Given(Opened()), new ReopenIncident("why", "bob", T0)));

    [Fact]
    public void Severity_change_records_from_and_to_and_is_a_no_op_when_equal()
    {
        var incident = Given(Opened());
        var changed = Assert.IsType<SeverityChanged>(Assert.Single(
            IncidentDecider.Decide(incident, new ChangeSeverity(Severity.Critical, "domain admin", "bob", T0))));
        Assert.Equal((Severity.High, Severity.Critical), (changed.From, changed.To));
        Assert.Empty(IncidentDecider.Decide(incident, new ChangeSeverity(Severity.High, "same", "bob", T0)));
        Assert.Throws<InvalidCommandException>(() => IncidentDecider.Decide(incident, new ChangeSeverity(Severity.Low, "", "bob", T0)));
    }

    [Theory]
    [InlineData("ip", "10.0.0.300")]
    [InlineData("IP ADDRESS", "10.0.0.1")]
    [InlineData("host", "")]
    public void Invalid_observables_are_refused(string type, string value) =>
        Assert.Throws<InvalidCommandException>(() =>
            IncidentDecider.Decide(Given(Opened()), new AddObservable(type, value, "bob", T0)));

    [Fact]
    public void Observables_are_kept_once()
    {
        var added = IncidentDecider.Decide(Given(Opened()), new AddObservable("ip", "203.0.113.7", "bob", T0));
        var incident = Given([Opened(), .. added]);
        Assert.Equal(new Observable("ip", "203.0.113.7"), Assert.Single(incident.Observables));
        Assert.Empty(IncidentDecider.Decide(incident, new AddObservable("IP", "203.0.113.7", "bob", T0)));
    }

    [Fact]
    public void Over_long_text_is_refused() =>
        Assert.Throws<InvalidCommandException>(() => IncidentDecider.Decide(Given(Opened()),
            new AddComment(Guid.NewGuid(), new string('x', IncidentDecider.MaxText + 1), "bob", T0)));
}
