using Respond.Domain.Playbooks.Runs;
using Wolverine;

namespace Respond.Server.Playbooks.Runs;

/// <summary>
/// What a run decision enqueues: each piece of follow-up work becomes a Wolverine message (or a scheduled one) on
/// the session's transactional outbox, so it is sent if and only if the transition commits.
/// </summary>
internal static class RunWorkOutbox
{
    public static async Task EnqueueAsync(IMessageBus bus, Guid runId, Guid? incidentId, IEnumerable<RunWork> work)
    {
        foreach (var item in work)
        {
            switch (item)
            {
                case PerformAction a:
                    await bus.PublishAsync(new PerformStep(runId, a.StepId, a.Attempt));
                    break;
                case WakeAt w:
                    await bus.ScheduleAsync(new WakeRunStep(runId, w.StepId, w.Attempt), w.At);
                    break;
                case ExpireApprovalAt e:
                    await bus.ScheduleAsync(new ExpireRunApproval(runId, e.ApprovalId), e.At);
                    break;
                case StartChildRun c:
                    await bus.PublishAsync(new StartChildPlaybook(runId, c.StepId, c.ChildRunId, c.PlaybookId, incidentId, c.Vars.ToJsonString(),
                        c.HandStarter ?? StartChildPlaybook.NoHandStarter));
                    break;
                case CancelChildRun c:
                    await bus.PublishAsync(new CancelChildPlaybook(c.ChildRunId, c.Reason));
                    break;
                case ReportChildRunEnded n:
                    await bus.PublishAsync(new ChildRunEnded(n.ParentRunId, n.ParentStepId, n.ChildRunId, n.Succeeded, n.Error,
                        n.Vars.ToJsonString()));
                    break;
                default:
                    throw new InvalidOperationException($"No way to enqueue {item.GetType().Name}.");
            }
        }
    }
}
