using System.Text.Json.Nodes;
using Respond.Domain.Common;
using Respond.Domain.Playbooks.Definitions;
using Respond.Domain.Playbooks.Expressions;

namespace Respond.Domain.Playbooks.Runs;

public sealed partial class RunEngine
{
    // Entering a step: what each type does when the run reaches it.
    private sealed partial class Turn
    {
        public void Enter(PlaybookStep step)
        {
            if (Run.IsOver)
            {
                return;
            }

            if (Run.StepStarts >= MaxStepStarts)
            {
                FailRun(step.Id, $"The run made {MaxStepStarts} step attempts; it is stopped as a runaway.");
                return;
            }

            var attempt = (Run.Step(step.Id)?.Attempts ?? 0) + 1;
            switch (step.Type)
            {
                case StepTypes.Action:
                    EnterAction(step, attempt);
                    break;
                case StepTypes.Approval:
                    EnterApproval(step, attempt);
                    break;
                case StepTypes.Condition:
                    Started(step, attempt, null);
                    Evaluate(step, attempt, () =>
                    {
                        var value = Expressions.IsTrue(step.If ?? "false", Scope());
                        Succeed(step, attempt, value ? Outcome.True : Outcome.False, new JsonObject { ["value"] = value });
                    });
                    break;
                case StepTypes.Set:
                    Started(step, attempt, null);
                    Evaluate(step, attempt, () =>
                    {
                        var values = Expressions.Render(step.Set, Scope()) as JsonObject ?? [];
                        Succeed(step, attempt, Outcome.Success, values.DeepClone(), values);
                    });
                    break;
                case StepTypes.Delay:
                    EnterDelay(step, attempt);
                    break;
                case StepTypes.Incident:
                    EnterIncident(step, attempt);
                    break;
                case StepTypes.Playbook:
                    Started(step, attempt, new JsonObject { ["playbook"] = step.Playbook });
                    work.Add(new StartChildRun(step.Id, ChildRunIdFor(Run.Id, step.Id, attempt), step.Playbook!,
                        (JsonObject)Run.Vars.DeepClone(), Run.HandStarter));
                    ArmTimeout(step, attempt);
                    break;
                case StepTypes.Parallel:
                    Started(step, attempt, null);
                    ArmTimeout(step, attempt);
                    foreach (var branch in step.Branches ?? [])
                    {
                        if (playbook.Step(branch) is { } first)
                        {
                            Enter(first);
                        }
                    }

                    break;
                case StepTypes.End when step.Status == EndStatuses.Failed:
                    Started(step, attempt, null);
                    EndFailed(step, attempt);
                    break;
                case StepTypes.End:
                    Started(step, attempt, null);
                    Emit(new StepSucceeded(Run.Id, step.Id, attempt, Outcome.Success, null, null, context.Actor, context.Now));
                    Emit(new PlaybookRunCompleted(Run.Id, context.Actor, context.Now));
                    Ended();
                    break;
                default:
                    Started(step, attempt, null);
                    FailStep(step, attempt, $"Unknown step type '{step.Type}'.", retryable: false);
                    break;
            }
        }

        private void EnterAction(PlaybookStep step, int attempt)
        {
            JsonObject input;
            try
            {
                input = RenderInput(step.Input ?? []);
            }
            catch (ExpressionException ex)
            {
                Started(step, attempt, null);
                FailStep(step, attempt, $"The input could not be rendered: {ex.Message}", retryable: false);
                return;
            }

            Started(step, attempt, input);
            var timeout = DurationLimits.ActionTimeout(step, DefaultActionTimeout);
            work.Add(new PerformAction(step.Id, attempt, step.Connector!, step.Operation!, input, timeout));
        }

        /// <summary>
        /// The action's input rendered; values rendered into its <c>path</c> are escaped as path segments, unless the
        /// whole path is one <c>{{ expr }}</c> (its value is then a path the connector checks as a whole).
        /// </summary>
        private JsonObject RenderInput(JsonObject template)
        {
            var scope = Scope();
            var rest = (JsonObject)template.DeepClone();
            rest.Remove(PathSegments.PathInput);
            var input = Expressions.Render(rest, scope) as JsonObject ?? [];
            if (template.TryGetPropertyValue(PathSegments.PathInput, out var path))
            {
                input[PathSegments.PathInput] = Expressions.Render(path, scope, PathSegments.Escape);
            }

            return input;
        }

        private void EnterApproval(PlaybookStep step, int attempt)
        {
            string? message;
            try
            {
                message = step.Message is null ? null : Expressions.Render(JsonValue.Create(step.Message), Scope())?.ToString();
            }
            catch (ExpressionException ex)
            {
                message = $"(the message could not be rendered: {ex.Message})";
            }

            var approvers = step.Approvers ?? new ApproverSpec();
            var approvalId = ApprovalIdFor(Run.Id, step.Id, attempt);
            var expiresAt = context.Now + (IsoDuration.Parse(step.Timeout) ?? DefaultApprovalTimeout);
            Started(step, attempt, new JsonObject { ["approvalId"] = approvalId.ToString() });
            Emit(new ApprovalRequested(Run.Id, approvalId, step.Id, Run.IncidentId, approvers.Roles, approvers.Users,
                Math.Max(1, approvers.Quorum), message, expiresAt, context.Actor, context.Now));
            work.Add(new ExpireApprovalAt(approvalId, expiresAt));
        }

        private void EnterDelay(PlaybookStep step, int attempt)
        {
            DateTimeOffset until;
            try
            {
                until = step.Duration is not null
                    ? context.Now + (IsoDuration.Parse(step.Duration) ?? TimeSpan.Zero)
                    : DelayUntil(step.Until ?? "");
            }
            catch (ExpressionException ex)
            {
                Started(step, attempt, null);
                FailStep(step, attempt, $"until could not be evaluated: {ex.Message}", retryable: false);
                return;
            }

            Started(step, attempt, new JsonObject { ["until"] = until.ToUniversalTime().ToString("O") });
            if (until - context.Now > DurationLimits.MaxWait)
            {
                // An until evaluated at run time is checked here; validation bounds the rest.
                FailStep(step, attempt, $"until {until:O} is more than {DurationLimits.Describe(DurationLimits.MaxWait)} ahead.", retryable: false);
                return;
            }

            if (until <= context.Now)
            {
                Succeed(step, attempt, Outcome.Success, null);
                return;
            }

            work.Add(new WakeAt(step.Id, attempt, until));
        }

        private DateTimeOffset DelayUntil(string until)
        {
            if (DateTimeOffset.TryParse(until, out var fixedTime))
            {
                return fixedTime;
            }

            var value = Expressions.Evaluate(until, Scope());
            return value is JsonValue v && v.TryGetValue<string>(out var text) && DateTimeOffset.TryParse(text, out var at)
                ? at
                : throw new ExpressionException("until must give an ISO-8601 time.");
        }

        private void EnterIncident(PlaybookStep step, int attempt)
        {
            if (Run.IncidentId is null)
            {
                Started(step, attempt, null);
                FailStep(step, attempt, "This run has no incident to change.", retryable: false);
                return;
            }

            IncidentChange change;
            try
            {
                change = new IncidentChange(step.Status, step.Severity, RenderText(step.Comment), step.Observable?.Type,
                    RenderText(step.Observable?.Value), RenderText(step.Summary), step.Classification);
            }
            catch (ExpressionException ex)
            {
                Started(step, attempt, null);
                FailStep(step, attempt, $"The change could not be rendered: {ex.Message}", retryable: false);
                return;
            }

            Started(step, attempt, System.Text.Json.JsonSerializer.SerializeToNode(change, PlaybookJson.Options));
            work.Add(new ChangeIncident(step.Id, attempt, change));
        }

        /// <summary>An <c>end</c> step with status failed: the run fails, its message the reason (a drill that missed its target).</summary>
        private void EndFailed(PlaybookStep step, int attempt)
        {
            string reason;
            try
            {
                reason = RenderText(step.Message) is { Length: > 0 } text ? text : $"The run ended at {step.Id}, which fails it.";
            }
            catch (ExpressionException ex)
            {
                reason = $"The run ended at {step.Id}, which fails it (its message could not be rendered: {ex.Message}).";
            }

            Emit(new StepFailed(Run.Id, step.Id, attempt, reason, null, context.Actor, context.Now));
            FailRun(step.Id, reason);
        }

        private string? RenderText(string? template) =>
            template is null ? null : Expressions.Render(JsonValue.Create(template), Scope())?.ToString();
    }
}
