using System.Text.Json;
using Marten;
using Respond.Domain.Incidents;
using Respond.Domain.Playbooks.Expressions;
using Respond.Domain.Playbooks.Runs;
using Respond.Server.Hosting;
using Respond.Server.Playbooks.Library;

namespace Respond.Server.Playbooks.Runs;

/// <summary>
/// Starts every published playbook whose trigger matches a committed incident event and whose
/// <c>when</c> holds. The run id derives from the event and the playbook, so a redelivered or
/// concurrent evaluation finds the stream already there: at most one run per event and playbook.
/// </summary>
public static class EvaluateTriggersHandler
{
    public static async Task Handle(EvaluateTriggers message, IQuerySession query, IPlaybookCatalog catalog,
        IExpressionEvaluator expressions, RunTransitions transitions, ILogger<EvaluateTriggers> logger, CancellationToken ct)
    {
        var playbooks = await catalog.TriggeredByAsync(message.Trigger, ct);
        if (playbooks.Count == 0 || await query.LoadAsync<Incident>(message.IncidentId, ct) is not { } incident)
        {
            return;
        }

        var json = JsonSerializer.SerializeToNode(incident, JsonConventions.Api);
        foreach (var playbook in playbooks)
        {
            var vars = catalog.VarsFor(playbook);
            if (playbook.Definition.Trigger.When is { Length: > 0 } when)
            {
                try
                {
                    if (!expressions.IsTrue(when, new ExpressionScope(json, json?["alerts"], vars, [])))
                    {
                        continue;
                    }
                }
                catch (ExpressionException ex)
                {
                    logger.LogWarning("Playbook {PlaybookId} v{Version}: its trigger's when failed for incident {IncidentId}: {Error}",
                        playbook.Id, playbook.Version, incident.Id, ex.Message);
                    continue;
                }
            }

            var runId = RunEngine.RunIdFor(playbook.Id, message.TriggerKey);
            var started = await transitions.StartAsync(playbook,
                new StartRun(runId, playbook.Version, incident.Id, message.Trigger, message.TriggerKey, ByHand: false, vars),
                RunTransitions.AutomatedActor(playbook.Id), ct);
            if (started is not null)
            {
                logger.LogInformation("Started run {RunId} of playbook {PlaybookId} v{Version} for incident {IncidentId} ({Trigger})",
                    runId, playbook.Id, playbook.Version, incident.Id, message.Trigger);
            }
        }
    }
}
