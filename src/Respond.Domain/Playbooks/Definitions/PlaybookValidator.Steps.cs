using System.Text.Json.Nodes;
using Respond.Domain.Common;
using Respond.Domain.Incidents;

namespace Respond.Domain.Playbooks.Definitions;

/// <summary>What each step type requires of its own fields.</summary>
public sealed partial class PlaybookValidator
{
    private static readonly string[] IncidentStatuses = ["acknowledged", "contained", "recovered", "closed"];
    private static readonly IReadOnlyList<string> Classifications = ContractWords.All<Classification>();

    private void CheckStep(PlaybookDefinition playbook, PlaybookStep step, Dictionary<string, PlaybookStep> byId,
        Action<string?, string> fail)
    {
        void Fail(string message) => fail(step.Id, message);

        if (!StepTypes.All.Contains(step.Type))
        {
            Fail($"Unknown step type '{step.Type}'; expected one of {string.Join(", ", StepTypes.All)}.");
            return;
        }

        CheckNext(step, byId, Fail);
        CheckDuration("timeout", step.Timeout, DurationLimits.MaxTimeout(step.Type), Fail);
        CheckRetry(step.Retry, Fail);

        switch (step.Type)
        {
            case StepTypes.Action:
                CheckAction(step, Fail);
                break;
            case StepTypes.Approval:
                CheckApproval(step, Fail);
                break;
            case StepTypes.Condition:
                if (string.IsNullOrWhiteSpace(step.If))
                {
                    Fail("A condition needs if.");
                }

                CheckExpression(step.Id, "if", step.If, fail);
                break;
            case StepTypes.Parallel:
                CheckParallel(step, byId, Fail);
                break;
            case StepTypes.Delay:
                CheckDelay(step, Fail);
                break;
            case StepTypes.Set:
                if (step.Set is not { Count: > 0 })
                {
                    Fail("A set step needs set: an object of variable names and values.");
                }

                CheckTemplates(step.Id, step.Set, fail);
                break;
            case StepTypes.Incident:
                CheckIncident(step, Fail);
                break;
            case StepTypes.Playbook:
                if (string.IsNullOrWhiteSpace(step.Playbook))
                {
                    Fail("A playbook step needs playbook: the id of the playbook to run.");
                }
                else if (step.Playbook == playbook.Id)
                {
                    Fail("A playbook cannot run itself.");
                }
                else if (!environment.PlaybookExists(step.Playbook))
                {
                    Fail(MissingPlaybook(step.Playbook));
                }

                break;
            case StepTypes.End:
                if (step.Next is not null)
                {
                    Fail("An end step has no next.");
                }

                if (step.Status is not (null or EndStatuses.Completed or EndStatuses.Failed))
                {
                    Fail($"An end step's status is {EndStatuses.Completed} or {EndStatuses.Failed}.");
                }

                CheckTemplates(step.Id, step.Message is null ? null : JsonValue.Create(step.Message), fail);
                break;
        }
    }

    private void CheckAction(PlaybookStep step, Action<string> fail)
    {
        if (string.IsNullOrWhiteSpace(step.Connector) || string.IsNullOrWhiteSpace(step.Operation))
        {
            fail("An action needs connector and operation.");
            return;
        }

        var operations = environment.OperationsOf(step.Connector);
        if (operations is null)
        {
            fail(MissingConnector(step.Connector));
        }
        else if (!operations.Contains(step.Operation))
        {
            fail($"Connector '{step.Connector}' has no operation '{step.Operation}' (it has {string.Join(", ", operations)}).");
        }
        else
        {
            foreach (var problem in environment.ValidateInput(step.Connector, step.Operation, step.Input ?? []))
            {
                fail($"input: {problem}");
            }
        }

        CheckTemplates(step.Id, step.Input, (_, m) => fail(m));
    }

    private void CheckApproval(PlaybookStep step, Action<string> fail)
    {
        var approvers = step.Approvers;
        if (approvers is null || (approvers.Roles.Count == 0 && approvers.Users.Count == 0))
        {
            fail("An approval needs approvers: roles and/or users.");
            return;
        }

        foreach (var role in approvers.Roles.Where(r => r is not ("viewer" or "responder" or "approver" or "author" or "admin")))
        {
            fail($"approvers.roles: '{role}' is not a role (viewer, responder, approver, author, admin).");
        }

        if (approvers.Quorum < 1)
        {
            fail("approvers.quorum must be at least 1.");
        }
        else if (approvers.Roles.Count == 0 && approvers.Quorum > approvers.Users.Count)
        {
            fail($"approvers.quorum {approvers.Quorum} is more than the {approvers.Users.Count} named users.");
        }

        CheckTemplates(step.Id, step.Message is null ? null : JsonValue.Create(step.Message), (_, m) => fail(m));
    }

    private static void CheckParallel(PlaybookStep step, Dictionary<string, PlaybookStep> byId, Action<string> fail)
    {
        if (step.Branches is not { Count: >= 2 })
        {
            fail("A parallel step needs at least two branches.");
            return;
        }

        foreach (var branch in step.Branches.Where(b => !byId.ContainsKey(b)))
        {
            fail($"Branch '{branch}' is not a step of this playbook.");
        }

        if (step.Join is not (null or "all" or "any"))
        {
            fail("join must be all or any.");
        }
    }

    private void CheckDelay(PlaybookStep step, Action<string> fail)
    {
        if ((step.Duration is null) == (step.Until is null))
        {
            fail("A delay needs exactly one of duration (ISO-8601) or until (a time or an expression).");
        }

        CheckDuration("duration", step.Duration, DurationLimits.MaxWait, fail);
        if (step.Until is { } until && !DateTimeOffset.TryParse(until, out _))
        {
            CheckExpression(step.Id, "until", until, (_, m) => fail(m));
        }
    }

    private void CheckIncident(PlaybookStep step, Action<string> fail)
    {
        if (step.Status is null && step.Severity is null && step.Comment is null && step.Observable is null)
        {
            fail("An incident step needs at least one of status, severity, comment or observable.");
        }

        if (step.Status is not null && !IncidentStatuses.Contains(step.Status))
        {
            fail($"status must be one of {string.Join(", ", IncidentStatuses)}.");
        }

        if (step.Status == "closed" && !Classifications.Contains(step.Classification ?? ""))
        {
            fail($"Closing needs classification: {string.Join(", ", Classifications)}.");
        }

        if (step.Severity is not null && !SeverityNames.TryParse(step.Severity, out _))
        {
            fail("severity must be critical, high, medium, low or informational.");
        }

        if (step.Observable is { } o && (string.IsNullOrWhiteSpace(o.Type) || string.IsNullOrWhiteSpace(o.Value)))
        {
            fail("observable needs type and value.");
        }

        var texts = new JsonArray(step.Comment, step.Summary, step.Observable?.Value);
        CheckTemplates(step.Id, texts, (_, m) => fail(m));
    }
}
