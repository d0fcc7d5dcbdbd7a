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
public sealed partial class RunEngine(IExpressionEvaluator expressions)
{
    // A published version is immutable and cached by the catalog, so its graph is worked out once, not per transition.
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<PlaybookDefinition, PlaybookGraph> graphs = new();

    private IExpressionEvaluator Evaluator { get; } = expressions;

    private PlaybookGraph GraphOf(PlaybookDefinition playbook) => graphs.GetValue(playbook, PlaybookGraph.Of);

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
            context.Actor, context.Now, command.HandStarter ?? (command.ByHand ? context.Actor : null)));
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
            case RecordChildRunEnded c:
                turn.ChildEnded(c);
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
    private sealed partial class Turn(RunEngine engine, PlaybookDefinition playbook, PlaybookRun? state, RunContext context)
    {
        private readonly List<object> events = [];
        private readonly List<RunWork> work = [];
        private readonly PlaybookGraph graph = engine.GraphOf(playbook);
        private PlaybookRun? run = state;

        private PlaybookRun Run => run ?? throw new InvalidOperationException("The run has not started.");

        private IExpressionEvaluator Expressions => engine.Evaluator;

        public RunDecision Decision() => new(run, events, work);

        public void Emit(object @event)
        {
            events.Add(@event);
            run = PlaybookRun.Evolve(run, @event);
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

        private void FailStep(PlaybookStep step, int attempt, string error, bool retryable, JsonNode? output = null)
        {
            var state = Run.Step(step.Id)!;
            var policy = step.Retry;
            if (retryable && policy is not null && state.RoundAttempts < policy.MaxAttempts)
            {
                var delay = RetryDelay(policy, state.RoundAttempts);
                var retryAt = context.Now + delay;
                Emit(new StepFailed(Run.Id, step.Id, attempt, error, retryAt, context.Actor, context.Now, output?.DeepClone()));
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

            Emit(new StepFailed(Run.Id, step.Id, attempt, error, null, context.Actor, context.Now, output?.DeepClone()));
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
                work.Add(new ReportChildRunEnded(parent, parentStep, Run.Id, Run.Status == RunStatus.Completed, Run.Error ?? Word(Run.Status),
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
                    // Times let a runbook measure what no single step can: the RTO from a failover to a healthy answer.
                    ["startedAt"] = s.StartedAt?.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                    ["endedAt"] = s.EndedAt?.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                };
            }

            return new ExpressionScope(context.Incident, context.Alerts, Run.Vars, steps);
        }

        private static string Word<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();
    }
}
