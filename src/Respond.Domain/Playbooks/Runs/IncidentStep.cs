using System.Text.Json.Nodes;
using Respond.Domain.Common;
using Respond.Domain.Incidents;

namespace Respond.Domain.Playbooks.Runs;

/// <summary>
/// What an <c>incident</c> step does to its incident, decided by the incident's own rules. A change
/// the incident already shows (contained twice) is a success that changes nothing: the playbook's
/// intent holds. A change the incident forbids (recovering a closed one) fails the step.
/// </summary>
public static class IncidentStep
{
    public static (IReadOnlyList<object> Events, RecordStepResult Result) Decide(
        Incident incident, ChangeIncident change, string actor, DateTimeOffset now)
    {
        var c = change.Change;
        var events = new List<object>();
        var notes = new JsonArray();
        try
        {
            var state = incident;
            void Apply(IEnumerable<object> decided)
            {
                foreach (var e in decided)
                {
                    events.Add(e);
                    state = Incident.Evolve(state, e)!;
                }
            }

            if (c.Severity is not null && SeverityNames.TryParse(c.Severity, out var severity))
            {
                Apply(IncidentDecider.Decide(state, new ChangeSeverity(severity, c.Summary ?? "Set by a playbook", actor, now)));
            }

            if (c.Observable() is { } observable)
            {
                Apply(IncidentDecider.Decide(state, new AddObservable(observable.Type, observable.Value, actor, now)));
            }

            if (c.Comment is { Length: > 0 } comment)
            {
                Apply(IncidentDecider.Decide(state, new AddComment(DeterministicGuid.Create(RunEngine.RunNamespace,
                    $"comment|{change.StepId}|{change.Attempt}|{incident.Id}|{now:O}"), comment, actor, now)));
            }

            if (c.Status is { } status)
            {
                var reached = Reached(state, status);
                if (reached)
                {
                    notes.Add($"The incident is already {IncidentDecider.Word(state.Status)}.");
                }
                else
                {
                    Apply(StatusChange(state, status, c, actor, now));
                }
            }

            var output = new JsonObject
            {
                ["incidentId"] = incident.Id.ToString(),
                ["status"] = IncidentDecider.Word(state.Status),
                ["severity"] = state.Severity.ToString().ToLowerInvariant(),
                ["changes"] = events.Count,
                ["notes"] = notes,
            };
            return (events, new RecordStepResult(change.StepId, change.Attempt, true, output, null, false));
        }
        catch (Exception ex) when (ex is IncidentConflictException or InvalidCommandException)
        {
            return ([], new RecordStepResult(change.StepId, change.Attempt, false, null, ex.Message, false));
        }
    }

    private static ObservableSpecValue? Observable(this IncidentChange c) =>
        c.ObservableType is { Length: > 0 } type && c.ObservableValue is { Length: > 0 } value ? new(type, value) : null;

    private sealed record ObservableSpecValue(string Type, string Value);

    // Milestones only move forward; a playbook asking for one already passed has nothing to do.
    private static bool Reached(Incident s, string status) => status switch
    {
        "acknowledged" => s.Status >= IncidentStatus.Acknowledged,
        "contained" => s.Status >= IncidentStatus.Contained,
        "recovered" => s.Status >= IncidentStatus.Recovered,
        "closed" => s.IsClosed,
        _ => false,
    };

    private static object[] StatusChange(Incident s, string status, IncidentChange c, string actor, DateTimeOffset now) => status switch
    {
        "acknowledged" => IncidentDecider.Decide(s, new AcknowledgeIncident(actor, now)),
        "contained" => IncidentDecider.Decide(s, new ContainIncident(c.Summary ?? "Contained by a playbook", true, actor, now)),
        "recovered" => IncidentDecider.Decide(s, new RecoverIncident(c.Summary ?? "Recovered by a playbook", actor, now)),
        "closed" => IncidentDecider.Decide(s,
            new CloseIncident(ParseClassification(c.Classification), c.Summary ?? "Closed by a playbook", actor, now)),
        _ => throw new InvalidCommandException($"A playbook cannot set the status '{status}'."),
    };

    private static Classification ParseClassification(string? text) => ContractWords.TryParse<Classification>(text, out var classification)
        ? classification
        : throw new InvalidCommandException("Closing needs a classification.");
}
