using Respond.Domain.Common;
using Respond.Domain.Incidents;

namespace Respond.Domain.Alerts;

public enum Disposition
{
    Opened,
    Correlated,
    Duplicate,
    Resolved,
}

public sealed record IntakeDecision(Disposition Disposition, Guid? IncidentId, IReadOnlyList<object> Events);

/// <summary>What a new (not duplicate) alert does to the open incident of its correlation key.</summary>
public static class AlertIntake
{
    /// <summary>The incident of a correlation key's n-th generation: derived, so concurrent openers collide on one stream.</summary>
    public static Guid IncidentIdFor(string source, string correlationKey, int generation) =>
        DeterministicGuid.Create(DeterministicGuid.IncidentNamespace, $"{source}\n{correlationKey}\n{generation}");

    /// <summary>Respond's id for one delivery state of a source's alert.</summary>
    public static Guid AlertIdFor(string source, string dedupKey) =>
        DeterministicGuid.Create(DeterministicGuid.AlertNamespace, $"{source}\n{dedupKey}");

    /// <param name="open">The open incident for the alert's key, or null when none is open.</param>
    /// <param name="newIncidentId">The id to open a new incident under when one is needed.</param>
    public static IntakeDecision Decide(Incident? open, Guid newIncidentId, Guid alertId, NormalizedAlert alert, DateTimeOffset now)
    {
        if (open is { IsClosed: true })
        {
            throw new InvalidOperationException("Alerts never join a closed incident.");
        }

        var actor = $"source:{alert.Source}";
        var summary = IncidentAlert.From(alertId, alert);

        if (alert.Status == AlertStatus.Resolved)
        {
            // A resolution with nothing open to resolve is kept for the record, but opens nothing.
            return open is null
                ? new IntakeDecision(Disposition.Resolved, null, [])
                : new IntakeDecision(Disposition.Resolved, open.Id,
                    [new AlertResolved(open.Id, alertId, alert.Source, alert.ExternalId, alert.ResolvedAt ?? now, actor, now)]);
        }

        if (open is null)
        {
            return new IntakeDecision(Disposition.Opened, newIncidentId,
            [
                new IncidentOpened(newIncidentId, alert.Title, alert.Severity, alert.Description, alert.CorrelationKey, alert.Source,
                    summary, alert.Entities, actor, now),
            ]);
        }

        var events = new List<object> { new AlertCorrelated(open.Id, summary, alert.Entities, actor, now) };
        if (alert.Severity > open.Severity)
        {
            events.Add(new SeverityChanged(open.Id, open.Severity, alert.Severity,
                $"Correlated alert '{alert.Title}' is {alert.Severity.ToString().ToLowerInvariant()}.", actor, now));
        }

        return new IntakeDecision(Disposition.Correlated, open.Id, events);
    }
}
