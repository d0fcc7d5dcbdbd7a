using System.Text.RegularExpressions;
using Respond.Domain.Playbooks.Expressions;

namespace Respond.Domain.Playbooks.Definitions;

/// <summary>
/// Every reason a playbook cannot run, each naming its step, so an author fixes them all in one
/// pass (SPEC §4). Pure: the environment answers the questions about connectors and other playbooks.
/// This part checks the playbook as a whole; the others check each step's type (<c>.Steps</c>), the
/// graph (<c>.Graph</c>), durations and retries (<c>.Limits</c>), and expressions and templates (<c>.Expressions</c>).
/// </summary>
public sealed partial class PlaybookValidator(IExpressionEvaluator expressions, IPlaybookEnvironment environment)
{
    public const int MaxSteps = 500;
    public const int MaxAttempts = 20;

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

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,99}$")]
    private static partial Regex IdPattern();
}
