using Respond.Domain.Incidents;
using Respond.Domain.Playbooks.Definitions;
using Respond.Server.Playbooks.Library;
using Wolverine;

namespace Respond.Server.Playbooks.Runs;

/// <summary>
/// Turns committed incident events into <see cref="EvaluateTriggers"/> messages on the same
/// transaction's outbox, so a trigger is never lost between the commit and the run. Only kinds some
/// published playbook listens to are sent, which keeps the alert hot path free when none does.
/// Events a playbook caused do not trigger playbooks: no run can set off a chain of runs.
/// </summary>
public sealed class TriggerSignals(IPlaybookCatalog catalog)
{
    /// <param name="asOfVersion">The incident's version once these events are appended, when the caller knows it.</param>
    public IReadOnlyList<EvaluateTriggers> For(IEnumerable<object> events, long? asOfVersion = null)
    {
        List<EvaluateTriggers>? signals = null;
        foreach (var e in events)
        {
            var signal = e switch
            {
                IncidentOpened o => new EvaluateTriggers(o.IncidentId, TriggerKinds.IncidentOpened, $"incident.opened:{o.IncidentId}"),
                AlertCorrelated c => new EvaluateTriggers(c.IncidentId, TriggerKinds.AlertCorrelated,
                    $"alert.correlated:{c.IncidentId}:{c.Alert.Id}"),
                SeverityChanged s => new EvaluateTriggers(s.IncidentId, TriggerKinds.SeverityChanged,
                    $"incident.severity-changed:{s.IncidentId}:{s.At.UtcTicks}:{s.To}"),
                _ => null,
            };
            if (signal is null || ((IIncidentEvent)e).Actor.StartsWith("playbook:", StringComparison.Ordinal)
                || !catalog.AnyTriggeredBy(signal.Trigger))
            {
                continue;
            }

            (signals ??= []).Add(signal with { AsOfVersion = asOfVersion });
        }

        return signals ?? (IReadOnlyList<EvaluateTriggers>)[];
    }

    public static async Task PublishAsync(IMessageBus outbox, IReadOnlyList<EvaluateTriggers> signals)
    {
        foreach (var signal in signals)
        {
            await outbox.PublishAsync(signal);
        }
    }
}
