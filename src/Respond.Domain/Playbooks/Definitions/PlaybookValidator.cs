using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Respond.Domain.Common;
using Respond.Domain.Incidents;
using Respond.Domain.Playbooks.Expressions;

namespace Respond.Domain.Playbooks.Definitions;

/// <summary>
/// Every reason a playbook cannot run, each naming its step, so an author fixes them all in one
/// pass (SPEC §4). Pure: the environment answers the questions about connectors and other playbooks.
/// </summary>
public sealed partial class PlaybookValidator(IExpressionEvaluator expressions, IPlaybookEnvironment environment)
{
    public const int MaxSteps = 500;
    public const int MaxAttempts = 20;

    private static readonly string[] IncidentStatuses = ["acknowledged", "contained", "recovered", "closed"];
    private static readonly IReadOnlyList<string> Classifications = ContractWords.All<Classification>();

    /// <summary>The error for a connector name nobody configured: a site's set-up, not a fault of the playbook.</summary>
    public static string MissingConnector(string connector) => $"No connector '{connector}' is configured.";

    public static string MissingPlaybook(string playbookId) => $"No playbook '{playbookId}' exists.";

    /// <summary>True when the error only says a connector or a called playbook is missing here.</summary>
    public static bool IsMissingDependency(ValidationError error) =>
        error.Message.StartsWith("No connector '", StringComparison.Ordinal) || error.Message.StartsWith("No playbook '", StringComparison.Ordinal);

    public IReadOnlyList<ValidationError> Validate(PlaybookDefinition playbook)
    {
        var errors = new List<ValidationError>();
        void Fail(string? step, string message) => errors.Add(new ValidationError(step, message));

        if (!IdPattern().IsMatch(playbook.Id ?? ""))
        {
            Fail(null, "id must be 1-100 lower-case letters, digits or dashes, starting with a letter or digit.");
        }

        if (string.IsNullOrWhiteSpace(playbook.Name))
        {
            Fail(null, "name is required.");
        }

        CheckTrigger(playbook.Trigger, Fail);
        if (playbook.Steps.Count == 0)
        {
            Fail(null, "steps must hold at least one step.");
            return errors;
        }

        if (playbook.Steps.Count > MaxSteps)
        {
            Fail(null, $"A playbook has at most {MaxSteps} steps.");
        }

        var byId = new Dictionary<string, PlaybookStep>(StringComparer.Ordinal);
        foreach (var step in playbook.Steps)
        {
            if (!IdPattern().IsMatch(step.Id ?? ""))
            {
                Fail(step.Id, "Step id must be 1-100 lower-case letters, digits or dashes.");
            }
            else if (!byId.TryAdd(step.Id!, step))
            {
                Fail(step.Id, $"Step id '{step.Id}' is used more than once.");
            }
        }

        foreach (var step in playbook.Steps)
        {
            CheckStep(playbook, step, byId, Fail);
        }

        CheckGraph(playbook, byId, Fail);
        return errors;
    }

    private void CheckTrigger(PlaybookTrigger? trigger, Action<string?, string> fail)
    {
        if (trigger is null || !TriggerKinds.All.Contains(trigger.On))
        {
            fail(null, $"trigger.on must be one of {string.Join(", ", TriggerKinds.All)}.");
            return;
        }

        CheckExpression(null, "trigger.when", trigger.When, fail);
        if (trigger.On == TriggerKinds.Schedule)
        {
            if (string.IsNullOrWhiteSpace(trigger.Cron))
            {
                fail(null, "A schedule trigger needs cron.");
            }
            else if (environment.CheckSchedule(trigger.Cron, trigger.TimeZone) is { } problem)
            {
                fail(null, $"trigger.cron: {problem}");
            }
        }
    }

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

                break;
        }
    }

    private static void CheckNext(PlaybookStep step, Dictionary<string, PlaybookStep> byId, Action<string> fail)
    {
        if (step.Next is null)
        {
            return;
        }

        var allowed = StepTypes.Outcomes(step.Type);
        foreach (var outcome in step.Next.Outcomes.Keys.Where(o => !allowed.Contains(o)))
        {
            fail($"next names the outcome '{outcome}', which a {step.Type} step does not have (it has {string.Join(", ", allowed)}).");
        }

        foreach (var target in step.Next.Targets().Where(t => !byId.ContainsKey(t)).Distinct())
        {
            fail($"next leads to '{target}', which is not a step of this playbook.");
        }

        if (step.Next.Targets().Contains(step.Id))
        {
            fail("A step cannot lead to itself; use retry to repeat it.");
        }
    }

    private static void CheckRetry(RetryPolicy? retry, Action<string> fail)
    {
        if (retry is null)
        {
            return;
        }

        if (retry.MaxAttempts is < 1 or > MaxAttempts)
        {
            fail($"retry.maxAttempts must be 1 to {MaxAttempts} (it counts the first attempt).");
        }

        CheckDuration("retry.delay", retry.Delay, DurationLimits.MaxRetryDelay, fail, zeroAllowed: true);
        CheckDuration("retry.maxDelay", retry.MaxDelay, DurationLimits.MaxRetryDelay, fail, zeroAllowed: true);
        if (retry.Backoff is not (null or "fixed" or "exponential"))
        {
            fail("retry.backoff must be fixed or exponential.");
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

    /// <summary>Unreachable steps, branches that leak into the main path, and cycles.</summary>
    private static void CheckGraph(PlaybookDefinition playbook, Dictionary<string, PlaybookStep> byId, Action<string?, string> fail)
    {
        var graph = PlaybookGraph.Of(playbook);
        foreach (var step in playbook.Steps.Where(s => byId.ContainsKey(s.Id) && !graph.Reachable.Contains(s.Id)))
        {
            fail(step.Id, "No step leads here: it is unreachable from the first step.");
        }

        foreach (var stepId in graph.OnCycle)
        {
            fail(stepId, "This step is on a cycle; playbooks are acyclic (use retry to repeat a step).");
        }

        foreach (var (stepId, message) in graph.BranchProblems)
        {
            fail(stepId, message);
        }
    }

    private void CheckTemplates(string? stepId, JsonNode? template, Action<string?, string> fail)
    {
        IReadOnlyList<string> found;
        try
        {
            found = expressions.TemplateExpressions(template);
        }
        catch (ExpressionException ex)
        {
            fail(stepId, ex.Message);
            return;
        }

        foreach (var expression in found)
        {
            CheckExpression(stepId, "{{ }}", expression, fail);
        }
    }

    private void CheckExpression(string? stepId, string where, string? expression, Action<string?, string> fail)
    {
        if (expression is not null && expressions.CheckSyntax(expression) is { } problem)
        {
            fail(stepId, $"{where}: {problem}");
        }
    }

    private static void CheckDuration(string field, string? value, TimeSpan max, Action<string> fail, bool zeroAllowed = false)
    {
        if (value is null)
        {
            return;
        }

        if (!IsoDuration.TryParse(value, out var duration))
        {
            fail($"{field} '{value}' is not an ISO-8601 duration such as PT30M.");
        }
        else if (duration > max)
        {
            fail($"{field} '{value}' is longer than the limit of {DurationLimits.Describe(max)}.");
        }
        else if (duration == TimeSpan.Zero && !zeroAllowed)
        {
            fail($"{field} '{value}' is zero; give a duration above zero.");
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,99}$")]
    private static partial Regex IdPattern();
}
