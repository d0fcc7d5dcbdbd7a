using System.Text.Json.Nodes;
using Respond.Domain.Incidents;
using Respond.Domain.Playbooks.Expressions;
using Respond.Domain.Playbooks.Runs;
using Respond.Server.Playbooks.Library;

namespace Respond.Server.Playbooks.Runs;

/// <summary>A playbook a trigger starts, and the command that starts it.</summary>
public sealed record TriggeredStart(PublishedPlaybook Playbook, StartRun Command);

/// <summary>
/// Which of the playbooks listening to a trigger start for an incident: those whose <c>when</c> holds
/// over the incident and its alerts. The run id derives from the trigger key and the playbook, so the
/// same event can start a playbook at most once, whoever evaluates it and however often.
/// </summary>
public sealed class TriggerMatcher(IPlaybookCatalog catalog, IExpressionEvaluator expressions, ILogger<TriggerMatcher> logger)
{
    /// <summary>The start of <paramref name="playbook"/> for the signal, or null when its <c>when</c> does not hold.</summary>
    public TriggeredStart? MatchOne(PublishedPlaybook playbook, EvaluateTriggers signal, Incident incident, JsonNode? incidentJson)
    {
        var vars = catalog.VarsFor(playbook);
        if (playbook.Definition.Trigger.When is { Length: > 0 } when && !Holds(playbook, when, incident, incidentJson, vars))
        {
            return null;
        }

        var runId = RunEngine.RunIdFor(playbook.Id, signal.TriggerKey);
        return new TriggeredStart(playbook,
            new StartRun(runId, playbook.Version, incident.Id, signal.Trigger, signal.TriggerKey, ByHand: false, vars));
    }

    private bool Holds(PublishedPlaybook playbook, string when, Incident incident, JsonNode? json, JsonObject vars)
    {
        try
        {
            return expressions.IsTrue(when, new ExpressionScope(json, json?["alerts"], vars, []));
        }
        catch (ExpressionException ex)
        {
            // Under a hot path's time cap the caller throws this evaluation away and queues it; no warning yet.
            if (ExpressionTimeCap.Current is not { Exceeded: true })
            {
                logger.LogWarning("Playbook {PlaybookId} v{Version}: its trigger's when failed for incident {IncidentId}: {Error}",
                    playbook.Id, playbook.Version, incident.Id, ex.Message);
            }

            return false;
        }
    }
}
