using System.Text.Json.Nodes;
using Respond.Domain.Common;
using Respond.Domain.Playbooks.Definitions;
using Respond.Domain.Playbooks.Expressions;

namespace Respond.Domain.Playbooks.Runs;

public sealed partial class RunEngine
{
    // The commands from outside: results, timers, approvals, child runs, cancel and retry.
    private sealed partial class Turn
    {
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
                FailStep(step, c.Attempt, c.Error ?? "The step failed.", c.Retryable, c.Output);
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
                    $"{actor} is not among this step's approvers (roles: {string.Join(", ", approval.Roles)}; "
                    + $"users: {string.Join(", ", approval.Users)}).");
            }

            if (string.Equals(Run.HandStarter, actor, StringComparison.OrdinalIgnoreCase))
            {
                throw new ApprovalForbiddenException(Run.ParentRunId is null
                    ? $"Four eyes: {actor} started this run by hand and cannot approve its steps."
                    : $"Four eyes: {actor} started the run this sub-playbook belongs to by hand and cannot approve its steps.");
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

        public void ChildEnded(RecordChildRunEnded c)
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
    }
}
