using Marten;
using Respond.Domain.Playbooks.Definitions;
using Respond.Server.Playbooks.Library;
using Respond.Server.Playbooks.Runs;
using Wolverine.Marten.Publishing;
using Wolverine.Runtime;

namespace Respond.Server.Alerts;

/// <summary>
/// Opens the session an alert's transaction writes through. While some published playbook listens
/// to what alerts cause (an incident opened, an alert correlated), the session is enrolled in
/// Wolverine's outbox, so the trigger message commits with the alert or not at all. Otherwise it is
/// a plain session and ingestion pays nothing for playbooks.
/// </summary>
public sealed class AlertSessions(IDocumentStore store, OutboxedSessionFactory outboxed, IWolverineRuntime wolverine,
    IPlaybookCatalog catalog, TriggerSignals triggers)
{
    public AlertSession Open()
    {
        if (!catalog.AnyTriggeredBy(TriggerKinds.IncidentOpened) && !catalog.AnyTriggeredBy(TriggerKinds.AlertCorrelated))
        {
            return new AlertSession(store.LightweightSession(), null, triggers);
        }

        var bus = new MessageContext(wolverine);
        return new AlertSession(outboxed.OpenSession(bus), bus, triggers);
    }
}

public sealed class AlertSession(IDocumentSession session, MessageContext? outbox, TriggerSignals triggers) : IAsyncDisposable
{
    private readonly List<object> staged = [];

    public IDocumentSession Session { get; } = session;

    /// <summary>Collects the incident events this transaction stages, for the triggers they may fire.</summary>
    public List<object>? Staged => outbox is null ? null : staged;

    /// <summary>Commits the alerts and, in the same transaction, the trigger messages of what they caused.</summary>
    public async Task SaveChangesAsync(CancellationToken ct)
    {
        if (outbox is not null)
        {
            await TriggerSignals.PublishAsync(outbox, triggers.For(staged));
        }

        await Session.SaveChangesAsync(ct);
    }

    public ValueTask DisposeAsync() => Session.DisposeAsync();
}
