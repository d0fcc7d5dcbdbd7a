using System.Diagnostics;
using Marten;
using Npgsql;
using Respond.Domain.Incidents;
using Respond.Domain.Playbooks.Definitions;
using Respond.Server.Playbooks.Library;
using Respond.Server.Playbooks.Runs;
using Wolverine.Marten.Publishing;
using Wolverine.Runtime;

namespace Respond.Server.Alerts;

/// <summary>
/// Opens the session an alert's transaction writes through. While some published playbook listens
/// to what alerts cause (an incident opened, an alert correlated), the session is enrolled in
/// Wolverine's outbox, and the runs those events start commit with the alert or not at all. Otherwise
/// it is a plain session and ingestion pays nothing for playbooks.
/// </summary>
public sealed class AlertSessions(IDocumentStore store, OutboxedSessionFactory outboxed, IWolverineRuntime wolverine,
    IPlaybookCatalog catalog, TriggerSignals triggers, RunTransitions runs)
{
    public AlertSession Open()
    {
        if (!catalog.AnyTriggeredBy(TriggerKinds.IncidentOpened) && !catalog.AnyTriggeredBy(TriggerKinds.AlertCorrelated))
        {
            return new AlertSession(store.LightweightSession(), null, triggers, runs);
        }

        var bus = new MessageContext(wolverine);
        return new AlertSession(outboxed.OpenSession(bus), bus, triggers, runs);
    }

    /// <summary>
    /// After a fault that is not a lost race, the connection that saw it may be out of step with the
    /// server: Npgsql then reads the failed batch's rows as the next session's answer ("unexpected
    /// backend message DataRow"), failing an innocent alert. Clearing the pool closes it (and the idle
    /// others) instead of lending it again.
    /// </summary>
    public void DiscardPooledConnections()
    {
        using var connection = store.Storage.Database.CreateConnection();
        NpgsqlConnection.ClearPool(connection);
    }
}

public sealed class AlertSession(IDocumentSession session, MessageContext? outbox, TriggerSignals triggers, RunTransitions runs)
    : IAsyncDisposable
{
    private readonly StagedIncidents staged = new();

    public IDocumentSession Session { get; } = session;

    /// <summary>Collects the incident events this transaction stages, for the triggers they may fire.</summary>
    public StagedIncidents? Staged => outbox is null ? null : staged;

    /// <summary>
    /// Commits the alerts and, in the same transaction, what they trigger: the runs started here, or
    /// the trigger messages of those the alert's path hands on to the queue.
    /// </summary>
    public async Task SaveChangesAsync(CancellationToken ct)
    {
        var startedRuns = new List<TriggeredStart>();
        if (outbox is not null)
        {
            var started = Stopwatch.GetTimestamp();
            foreach (var signal in triggers.For(staged.Events))
            {
                var incident = staged.After(signal.IncidentId);
                var left = incident is not null && Stopwatch.GetElapsedTime(started) < runs.AlertPathBudget
                    ? await runs.StartOnAlertPathAsync(Session, outbox, incident, signal, startedRuns, ct)
                    : signal;
                left = left is null ? null : left with { AsOfVersion = incident?.Version };
                if (left is not null)
                {
                    await outbox.PublishAsync(left);
                }
            }
        }

        await Session.SaveChangesAsync(ct);
        runs.LogStarted(startedRuns);
    }

    public ValueTask DisposeAsync() => Session.DisposeAsync();
}

/// <summary>The incident events a transaction stages, and each incident's state after them.</summary>
public sealed class StagedIncidents
{
    private readonly Dictionary<Guid, Incident> after = [];

    public List<object> Events { get; } = [];

    public void Add(Incident? before, IReadOnlyList<object> events)
    {
        Events.AddRange(events);
        if (events.Aggregate(before, Incident.Evolve) is { } state)
        {
            after[state.Id] = state with { Version = (before?.Version ?? 0) + events.Count };
        }
    }

    public Incident? After(Guid incidentId) => after.GetValueOrDefault(incidentId);
}
