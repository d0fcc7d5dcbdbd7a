using Marten;
using Respond.Domain.Incidents;
using Respond.Server.Playbooks.Library;

namespace Respond.Server.Playbooks.Runs;

/// <summary>
/// Starts every published playbook whose trigger matches a committed incident event and whose
/// <c>when</c> holds. Alerts usually start their runs in their own transaction
/// (<see cref="RunTransitions.StartOnAlertPathAsync"/>); this handler takes the rest: incident commands,
/// and whatever that hot path handed on. A redelivered or concurrent evaluation finds the run's
/// stream already there, so at most one run per event and playbook.
/// </summary>
public static class EvaluateTriggersHandler
{
    public static async Task Handle(EvaluateTriggers message, IQuerySession query, IPlaybookCatalog catalog, TriggerMatcher matcher,
        RunTransitions transitions, ILogger<EvaluateTriggers> logger, CancellationToken ct)
    {
        var playbooks = await catalog.TriggeredByAsync(message.Trigger, ct);
        if (playbooks.Count == 0 || await query.LoadAsync<Incident>(message.IncidentId, ct) is not { } incident)
        {
            return;
        }

        // The queue may get here after later changes (a responder's "high" evaluated once the incident is critical):
        // judge the trigger on the incident as the event left it.
        if (message.AsOfVersion is { } asOf && incident.Version > asOf
            && await query.Events.AggregateStreamAsync<Incident>(message.IncidentId, version: asOf, token: ct) is { } then)
        {
            incident = then;
        }

        // One playbook's fault must not keep the others from starting. A passing one (the database away) is thrown
        // after the rest had their turn, so the message is tried again; the runs already started are not started twice.
        Exception? passing = null;
        var json = IncidentScope.JsonOf(incident);
        foreach (var playbook in playbooks.Where(message.Includes))
        {
            try
            {
                if (matcher.MatchOne(playbook, message, incident, json) is not { } start)
                {
                    continue;
                }

                var started = await transitions.StartAsync(start.Playbook, start.Command, RunTransitions.AutomatedActor(start.Playbook.Id), ct);
                if (started is not null)
                {
                    logger.LogInformation("Started run {RunId} of playbook {PlaybookId} v{Version} for incident {IncidentId} ({Trigger})",
                        start.Command.RunId, start.Playbook.Id, start.Playbook.Version, incident.Id, message.Trigger);
                }
            }
            catch (Exception ex) when (RunTransitions.IsFault(ex))
            {
                logger.LogError(ex, "Playbook {PlaybookId} v{Version}: its trigger {TriggerKey} faulted; no run was started",
                    playbook.Id, playbook.Version, message.TriggerKey);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                passing ??= ex;
            }
        }

        if (passing is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(passing);
        }
    }
}
