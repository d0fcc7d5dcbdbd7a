using System.Text.Json.Nodes;
using Respond.Domain.Common;
using Respond.Domain.Playbooks.Definitions;
using Respond.Domain.Playbooks.Expressions;

namespace Respond.Domain.Playbooks.Runs;

/// <summary>
/// The playbook engine's decisions: run state plus a command gives events and follow-up work.
/// No I/O and no clock: connector calls, timers and child runs come back as work for the host to
/// enqueue in the same transaction as the events. Steps that need no I/O (condition, set, end) run
/// within one decision, so a transition is one commit however many of them follow each other.
/// </summary>
public sealed class RunEngine(IExpressionEvaluator expressions)
{
    private IExpressionEvaluator Evaluator { get; } = expressions;

    /// <summary>Guards against a runaway run; playbooks are acyclic, so only retries repeat steps.</summary>
    public const int MaxStepStarts = 1_000;

    public static readonly TimeSpan DefaultActionTimeout = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan DefaultApprovalTimeout = TimeSpan.FromHours(24);
    public static readonly TimeSpan DefaultMaxRetryDelay = TimeSpan.FromMinutes(10);

    public static readonly Guid RunNamespace = new("0f3c9a52-6d1e-4b7a-9c84-2e5b7f1a3d60");

    /// <summary>The run a trigger event starts: the same event and playbook always give the same id.</summary>
    public static Guid RunIdFor(string playbookId, string triggerKey) => DeterministicGuid.Create(RunNamespace, $"{playbookId}|{triggerKey}");

    public static Guid ApprovalIdFor(Guid runId, string stepId, int attempt) =>
        DeterministicGuid.Create(RunNamespace, $"approval|{runId}|{stepId}|{attempt}");

    public static Guid ChildRunIdFor(Guid runId, string stepId, int attempt) =>
        DeterministicGuid.Create(RunNamespace, $"child|{runId}|{stepId}|{attempt}");

    /// <summary>The key every attempt of a step sends, so a target can drop repeats (SPEC §4).</summary>
    public static string IdempotencyKey(Guid runId, string stepId) => $"{runId}:{stepId}";

    public RunDecision Start(PlaybookDefinition playbook, StartRun command, RunContext context)
    {
        var turn = new Turn(this, playbook, null, context);
        turn.Emit(new PlaybookRunStarted(command.RunId, playbook.Id, command.PlaybookVersion, playbook.Name, command.IncidentId,
            command.Trigger, command.TriggerKey, command.ByHand, command.ParentRunId, command.ParentStepId, command.Vars,
            context.Actor, context.Now));
        if (playbook.Entry is { } entry)
        {
            turn.Enter(entry);
        }
        else
        {
            turn.CompleteIfIdle();
        }

        return turn.Decision();
    }

    public RunDecision Decide(PlaybookDefinition playbook, PlaybookRun run, RunCommand command, RunContext context)
    {
        var turn = new Turn(this, playbook, run, context);
        switch (command)
        {
            case RecordStepResult c:
                turn.Record(c);
                break;
            case WakeStep c:
                turn.Wake(c);
                break;
            case DecideApproval c:
                turn.Decide(c);
                break;
            case ExpireApproval c:
                turn.Expire(c);
                break;
            case ChildRunFinished c:
                turn.ChildFinished(c);
                break;
            case CancelRun c:
                turn.Cancel(c);
                break;
            case RetryRun:
                turn.Retry();
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "Unknown run command.");
        }

        return turn.Decision();
    }

    /// <summary>
    /// Drives a decision to the end of its inline work: each <see cref="ChangeIncident"/> is applied
    /// by <paramref name="applyIncidentChange"/> (in the host's transaction) and its result decided on,
    /// until only work for later remains.
    /// </summary>
    public RunDecision Drive(PlaybookDefinition playbook, RunDecision decision, RunContext context,
        Func<ChangeIncident, RecordStepResult> applyIncidentChange)
    {
        var events = decision.Events.ToList();
        var work = decision.Work.ToList();
        var state = decision.State;
        while (state is not null && work.OfType<ChangeIncident>().FirstOrDefault() is { } change)
        {
            work.Remove(change);
            var next = Decide(playbook, state, applyIncidentChange(change), context);
            events.AddRange(next.Events);
            work.AddRange(next.Work);
            state = next.State;
        }

        return new RunDecision(state, events, work);
    }

    /// <summary>One decision in progress: the events so far, applied to the state as they are emitted.</summary>
    private sealed class Turn(RunEngine engine, PlaybookDefinition playbook, PlaybookRun? state, RunContext context)
    {
        private readonly List<object> events = [];
        private readonly List<RunWork> work = [];
        private readonly PlaybookGraph graph = PlaybookGraph.Of(playbook);
        private PlaybookRun? run = state;

        private PlaybookRun Run => run ?? throw new InvalidOperationException("The run has not started.");

        private IExpressionEvaluator Expressions => engine.Evaluator;

        public RunDecision Decision() => new(run, events, work);

        public void Emit(object @event)
        {
            events.Add(@event);
            run = PlaybookRun.Evolve(run, @event);
        }

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
                        (JsonObject)Run.Vars.DeepClone()));
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
                input = Expressions.Render(step.Input ?? [], Scope()) as JsonObject ?? [];
            }
            catch (ExpressionException ex)
            {
                Started(step, attempt, null);
                FailStep(step, attempt, $"The input could not be rendered: {ex.Message}", retryable: false);
                return;
            }

            Started(step, attempt, input);
            var timeout = IsoDuration.Parse(step.Timeout) ?? DefaultActionTimeout;
            work.Add(new PerformAction(step.Id, attempt, step.Connector!, step.Operation!, input, timeout));
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

        private string? RenderText(string? template) =>
            template is null ? null : Expressions.Render(JsonValue.Create(template), Scope())?.ToString();

        public void Record(RecordStepResult c)
        {
            var step = ActiveStep(c.StepId, StepStatus.Running, c.Attempt);
            if (step is null)
            {
                return; // A duplicate or stale result: the attempt's outcome is already recorded.
            }

            if (c.Succeeded)
            {
                Succeed(step, c.Attempt, Outcome.Success, c.Output);
            }
            else
            {
                FailStep(step, c.Attempt, c.Error ?? "The step failed.", c.Retryable);
            }
        }

        public void Wake(WakeStep c)
        {
            if (Run.IsOver || playbook.Step(c.StepId) is not { } step || Run.Step(c.StepId) is not { Status: StepStatus.Waiting } state)
            {
                return;
            }

            if (step.Type == StepTypes.Delay && state.RetryAt is null && state.Attempts == c.Attempt)
            {
                Succeed(step, c.Attempt, Outcome.Success, null);
            }
            else if (step.Type is StepTypes.Playbook or StepTypes.Parallel && state.RetryAt is null && state.Attempts == c.Attempt)
            {
                TimedOut(step, c.Attempt);
            }
            else if (state.RetryAt is not null && c.Attempt == state.Attempts + 1)
            {
                Enter(step);
            }
        }

        // A step that waits on other work (a child run, parallel branches) fails when its timeout passes.
        private void ArmTimeout(PlaybookStep step, int attempt)
        {
            if (IsoDuration.Parse(step.Timeout) is { } timeout)
            {
                work.Add(new WakeAt(step.Id, attempt, context.Now + timeout));
            }
        }

        private void TimedOut(PlaybookStep step, int attempt)
        {
            var error = $"The step did not finish within its timeout {step.Timeout}.";
            if (step.Type == StepTypes.Playbook)
            {
                // The child is stopped, so nothing it would still do happens behind the parent's back.
                work.Add(new CancelChildRun(ChildRunIdFor(Run.Id, step.Id, attempt), error));
                FailStep(step, attempt, error, retryable: true);
            }
            else
            {
                // Branches still running lead nowhere once their parallel step has failed.
                FailStep(step, attempt, error, retryable: false);
            }
        }

        public void Decide(DecideApproval c)
        {
            var approval = Run.Approval(c.ApprovalId) ?? throw new RunConflictException("No such approval in this run.");
            if (approval.Status != ApprovalStatus.Pending || Run.IsOver)
            {
                throw new RunConflictException(approval.Status == ApprovalStatus.Pending
                    ? $"The run is {Word(Run.Status)}; its approvals are closed."
                    : $"The approval is already {Word(approval.Status)}{(approval.DecidedBy is null ? "" : $" by {approval.DecidedBy}")}.");
            }

            var actor = context.Actor;
            if (!approval.Users.Contains(actor, StringComparer.OrdinalIgnoreCase) && !approval.Roles.Any(c.ActorRoles.Contains))
            {
                throw new ApprovalForbiddenException(
                    $"{actor} is not among this step's approvers (roles: {string.Join(", ", approval.Roles)}; users: {string.Join(", ", approval.Users)}).");
            }

            if (Run.StartedByHand && string.Equals(Run.StartedBy, actor, StringComparison.OrdinalIgnoreCase))
            {
                throw new ApprovalForbiddenException($"Four eyes: {actor} started this run by hand and cannot approve its steps.");
            }

            if (approval.GrantedBy.Contains(actor, StringComparer.OrdinalIgnoreCase))
            {
                throw new RunConflictException($"{actor} has already approved this step.");
            }

            var step = playbook.Step(approval.StepId)!;
            var attempt = Run.Step(approval.StepId)?.Attempts ?? 1;
            var comment = c.Comment is { Length: > 2000 } ? c.Comment[..2000] : c.Comment;
            if (c.Approve)
            {
                var grants = approval.GrantedBy.Count + 1;
                Emit(new ApprovalGranted(Run.Id, approval.Id, approval.StepId, comment, grants, approval.Quorum, actor, context.Now));
                if (grants >= approval.Quorum)
                {
                    Succeed(step, attempt, Outcome.Approved, new JsonObject
                    {
                        ["approvedBy"] = new JsonArray([.. approval.GrantedBy.Append(actor).Select(u => JsonValue.Create(u))]),
                        ["comment"] = comment,
                    });
                }
            }
            else
            {
                Emit(new ApprovalRejected(Run.Id, approval.Id, approval.StepId, comment, actor, context.Now));
                Succeed(step, attempt, Outcome.Rejected, new JsonObject { ["rejectedBy"] = actor, ["comment"] = comment });
            }
        }

        public void Expire(ExpireApproval c)
        {
            if (Run.IsOver || Run.Approval(c.ApprovalId) is not { Status: ApprovalStatus.Pending } approval)
            {
                return; // Decided in time, or the run ended: the timer has nothing to do.
            }

            Emit(new ApprovalExpired(Run.Id, approval.Id, approval.StepId, context.Actor, context.Now));
            var attempt = Run.Step(approval.StepId)?.Attempts ?? 1;
            Succeed(playbook.Step(approval.StepId)!, attempt, Outcome.Expired, null);
        }

        public void ChildFinished(ChildRunFinished c)
        {
            // Only the child of the current attempt counts, and only while the step still waits for it (not for a retry).
            var step = ActiveStep(c.StepId, StepStatus.Waiting, null);
            if (step is null || Run.Step(c.StepId)!.RetryAt is not null
                || ChildRunIdFor(Run.Id, c.StepId, Run.Step(c.StepId)!.Attempts) != c.ChildRunId)
            {
                return;
            }

            var attempt = Run.Step(c.StepId)!.Attempts;
            if (c.Succeeded)
            {
                Succeed(step, attempt, Outcome.Success, new JsonObject { ["runId"] = c.ChildRunId.ToString(), ["vars"] = c.Vars?.DeepClone() });
            }
            else
            {
                FailStep(step, attempt, $"The sub-playbook run {c.ChildRunId} did not complete: {c.Error}", retryable: true);
            }
        }

        public void Cancel(CancelRun c)
        {
            if (Run.IsOver)
            {
                throw new RunConflictException($"The run is already {Word(Run.Status)}.");
            }

            Emit(new PlaybookRunCancelled(Run.Id, c.Reason, context.Actor, context.Now));
            Ended();
        }

        public void Retry()
        {
            if (Run.Status != RunStatus.Failed || Run.FailedStepId is not { } stepId || playbook.Step(stepId) is not { } step)
            {
                throw new RunConflictException(Run.Status == RunStatus.Failed
                    ? "The run failed outside a step; start a new run instead."
                    : $"Only a failed run can be retried; this one is {Word(Run.Status)}.");
            }

            Emit(new PlaybookRunResumed(Run.Id, stepId, context.Actor, context.Now));
            Enter(step);
        }

        /// <summary>The step, if it is in the state a result for this attempt expects, inside a branch still joining.</summary>
        private PlaybookStep? ActiveStep(string stepId, StepStatus expected, int? attempt)
        {
            if (Run.IsOver || playbook.Step(stepId) is not { } step || Run.Step(stepId) is not { } state)
            {
                return null;
            }

            return state.Status == expected && (attempt is null || state.Attempts == attempt) ? step : null;
        }

        private void Started(PlaybookStep step, int attempt, JsonNode? input) =>
            Emit(new StepStarted(Run.Id, step.Id, step.Type, attempt, input, context.Actor, context.Now));

        private void Evaluate(PlaybookStep step, int attempt, Action evaluate)
        {
            try
            {
                evaluate();
            }
            catch (ExpressionException ex)
            {
                FailStep(step, attempt, ex.Message, retryable: false);
            }
        }

        private void Succeed(PlaybookStep step, int attempt, string outcome, JsonNode? output, JsonObject? vars = null)
        {
            Emit(new StepSucceeded(Run.Id, step.Id, attempt, outcome, output, vars, context.Actor, context.Now));
            Continue(step, outcome);
        }

        private void FailStep(PlaybookStep step, int attempt, string error, bool retryable)
        {
            var state = Run.Step(step.Id)!;
            var policy = step.Retry;
            if (retryable && policy is not null && state.RoundAttempts < policy.MaxAttempts)
            {
                var delay = RetryDelay(policy, state.RoundAttempts);
                var retryAt = context.Now + delay;
                Emit(new StepFailed(Run.Id, step.Id, attempt, error, retryAt, context.Actor, context.Now));
                if (delay <= TimeSpan.Zero)
                {
                    Enter(step);
                }
                else
                {
                    work.Add(new WakeAt(step.Id, attempt + 1, retryAt));
                }

                return;
            }

            Emit(new StepFailed(Run.Id, step.Id, attempt, error, null, context.Actor, context.Now));
            Continue(step, Outcome.Error, error);
        }

        private static TimeSpan RetryDelay(RetryPolicy policy, int attemptsSoFar)
        {
            var delay = IsoDuration.Parse(policy.Delay) ?? TimeSpan.Zero;
            if (policy.Backoff == "exponential")
            {
                delay *= Math.Pow(2, Math.Min(attemptsSoFar - 1, 20));
            }

            var cap = IsoDuration.Parse(policy.MaxDelay) ?? DefaultMaxRetryDelay;
            return delay > cap ? cap : delay;
        }

        private void Continue(PlaybookStep step, string outcome, string? error = null)
        {
            if (Run.IsOver || !InLiveBranch(step.Id))
            {
                return;
            }

            if (step.Next?.For(outcome) is { } target && playbook.Step(target) is { } next)
            {
                Enter(next);
            }
            else if (outcome == Outcome.Error)
            {
                FailRun(step.Id, error ?? "The step failed.");
            }
            else
            {
                PathEnded(step);
            }
        }

        /// <summary>A path ended without a next step: its branch may be done, which may complete a join, or the run.</summary>
        private void PathEnded(PlaybookStep step)
        {
            if (!graph.BranchOf.TryGetValue(step.Id, out var at))
            {
                CompleteIfIdle();
                return;
            }

            var parallel = playbook.Step(at.ParallelId)!;
            var branchesDone = (parallel.Branches ?? []).Count(BranchDone);
            if (!BranchDone(at.Branch) || (parallel.Join != "any" && branchesDone < parallel.Branches!.Count))
            {
                return;
            }

            var attempt = Run.Step(parallel.Id)?.Attempts ?? 1;
            Succeed(parallel, attempt, Outcome.Success, new JsonObject { ["branchesDone"] = branchesDone });
        }

        private bool BranchDone(string branch)
        {
            var members = graph.Members(branch);
            return !members.Any(m => Run.Step(m)?.IsActive == true) && members.Any(m => Run.Step(m)?.EndedAt is not null);
        }

        // After an "any" join, the other branches' late results are recorded but lead nowhere.
        private bool InLiveBranch(string stepId) =>
            !graph.BranchOf.TryGetValue(stepId, out var at) || Run.Step(at.ParallelId)?.Status == StepStatus.Waiting;

        public void CompleteIfIdle()
        {
            if (!Run.IsOver && !Run.Steps.Any(s => s.IsActive))
            {
                Emit(new PlaybookRunCompleted(Run.Id, context.Actor, context.Now));
                Ended();
            }
        }

        private void FailRun(string? stepId, string error)
        {
            Emit(new PlaybookRunFailed(Run.Id, stepId, error, context.Actor, context.Now));
            Ended();
        }

        private void Ended()
        {
            if (Run.ParentRunId is { } parent && Run.ParentStepId is { } parentStep)
            {
                work.Add(new NotifyParent(parent, parentStep, Run.Id, Run.Status == RunStatus.Completed, Run.Error ?? Word(Run.Status),
                    (JsonObject)Run.Vars.DeepClone()));
            }
        }

        private ExpressionScope Scope()
        {
            var steps = new JsonObject();
            foreach (var s in Run.Steps)
            {
                steps[s.Id] = new JsonObject
                {
                    ["status"] = Word(s.Status),
                    ["outcome"] = s.Outcome,
                    ["attempts"] = s.Attempts,
                    ["output"] = s.Output?.DeepClone(),
                    ["error"] = s.Error,
                };
            }

            return new ExpressionScope(context.Incident, context.Alerts, Run.Vars, steps);
        }

        private static string Word<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();
    }
}
