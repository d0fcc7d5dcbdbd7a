using JasperFx.Events;
using Marten;
using Respond.Domain.Common;
using Respond.Domain.Incidents;
using Respond.Domain.Playbooks.Runs;

namespace Respond.Server.LiveEvents;

/// <summary>Turns stored events into feed items: incident events, run events and the approvals among them; nothing else.</summary>
public static class FeedItems
{
    /// <summary>
    /// The items of <paramref name="events"/>, in their order. Run events that do not name their incident get it from the
    /// run's document, in one read for the batch.
    /// </summary>
    public static async Task<IReadOnlyList<FeedItem>> MapAsync(IQuerySession session, IReadOnlyList<IEvent> events, CancellationToken ct)
    {
        var items = events.Select(From).OfType<FeedItem>().ToList();
        var unknown = items.Where(i => i.Kind != FeedItem.IncidentKind && i.IncidentId is null).Select(i => i.Id).Distinct().ToArray();
        if (unknown.Length == 0)
        {
            return items;
        }

        var runs = await session.Query<PlaybookRun>()
            .Where(r => r.Id.IsOneOf(unknown) && r.IncidentId != null)
            .Select(r => new RunIncident(r.Id, r.IncidentId))
            .ToListAsync(ct);
        var incidents = runs.ToDictionary(r => r.Id, r => r.IncidentId);
        return items.Select(i => i.Kind != FeedItem.IncidentKind && i.IncidentId is null && incidents.GetValueOrDefault(i.Id) is { } incident
            ? i with { IncidentId = incident }
            : i).ToList();
    }

    private sealed record RunIncident(Guid Id, Guid? IncidentId);

    public static FeedItem? From(IEvent e) => e.Data switch
    {
        IIncidentEvent fact => new FeedItem(e.Sequence, FeedItem.IncidentKind, e.Data.GetType().Name, fact.IncidentId, e.Version,
            fact.At.ToUniversalTime(), fact.Actor, IncidentSummary(fact))
        { IncidentId = fact.IncidentId },
        IRunEvent fact => RunItem(e, fact),
        _ => null,
    };

    private static FeedItem RunItem(IEvent e, IRunEvent fact)
    {
        var item = new FeedItem(e.Sequence, FeedItem.RunKind, e.Data.GetType().Name, fact.RunId, e.Version,
            fact.At.ToUniversalTime(), fact.Actor, RunSummary(fact))
        { RunId = fact.RunId };
        return fact switch
        {
            PlaybookRunStarted started => item with { IncidentId = started.IncidentId },
            StepStarted s => item with { StepId = s.StepId },
            StepSucceeded s => item with { StepId = s.StepId },
            StepFailed s => item with { StepId = s.StepId },
            PlaybookRunResumed s => item with { StepId = s.StepId },
            ApprovalRequested a => item with
            {
                Kind = FeedItem.ApprovalKind,
                ApprovalId = a.ApprovalId,
                StepId = a.StepId,
                IncidentId = a.IncidentId,
            },
            ApprovalGranted a => item with { Kind = FeedItem.ApprovalKind, ApprovalId = a.ApprovalId, StepId = a.StepId },
            ApprovalRejected a => item with { Kind = FeedItem.ApprovalKind, ApprovalId = a.ApprovalId, StepId = a.StepId },
            ApprovalExpired a => item with { Kind = FeedItem.ApprovalKind, ApprovalId = a.ApprovalId, StepId = a.StepId },
            _ => item,
        };
    }

    // Respond's own words over fields it controls (enums, ids, counts): no titles, comments, reasons or error texts.
    private static string IncidentSummary(IIncidentEvent fact) => fact switch
    {
        IncidentOpened o => $"Incident opened, severity {ContractWords.Of(o.Severity)}.",
        AlertCorrelated => "An alert joined the incident.",
        AlertResolved => "An alert was resolved.",
        IncidentAcknowledged => "Acknowledged.",
        IncidentAssigned => "Assigned.",
        SeverityChanged s => $"Severity changed from {ContractWords.Of(s.From)} to {ContractWords.Of(s.To)}.",
        CommentAdded => "Comment added.",
        ObservableAdded => "Observable added.",
        IncidentContained c => c.Automated ? "Contained by a playbook." : "Contained.",
        IncidentRecovered => "Recovered.",
        IncidentClosed c => $"Closed as {ContractWords.Of(c.Classification)}.",
        IncidentReopened => "Reopened.",
        _ => "Changed.",
    };

    private static string RunSummary(IRunEvent fact) => fact switch
    {
        PlaybookRunStarted s => $"Run of {s.PlaybookId} v{s.PlaybookVersion} started.",
        StepStarted s => $"Step {s.StepId} started (attempt {s.Attempt}).",
        StepSucceeded s => $"Step {s.StepId} succeeded.",
        StepFailed s => s.RetryAt is null ? $"Step {s.StepId} failed." : $"Step {s.StepId} failed; it will be retried.",
        ApprovalRequested a => $"Approval requested at step {a.StepId}.",
        ApprovalGranted a => $"Approval granted ({a.Grants} of {a.Quorum}).",
        ApprovalRejected => "Approval rejected.",
        ApprovalExpired => "Approval expired.",
        PlaybookRunCompleted => "Run completed.",
        PlaybookRunFailed => "Run failed.",
        PlaybookRunCancelled => "Run cancelled.",
        PlaybookRunResumed s => $"Run resumed at step {s.StepId}.",
        _ => "Changed.",
    };
}
