using Respond.Domain.Playbooks.Runs;

namespace Respond.Server.Playbooks.Runs;

/// <summary>
/// Durable timers (Wolverine scheduled messages in PostgreSQL): any node fires them, a crash does
/// not lose them, and one that fires after its step moved on finds nothing to do.
/// </summary>
public static class RunTimerHandler
{
    public static Task Handle(WakeRunStep message, RunTransitions transitions, CancellationToken ct) =>
        Safely(transitions.ApplyAsync(message.RunId, new WakeStep(message.StepId, message.Attempt), null, ct));

    public static Task Handle(ExpireRunApproval message, RunTransitions transitions, CancellationToken ct) =>
        Safely(transitions.ApplyAsync(message.RunId, new ExpireApproval(message.ApprovalId), "system", ct));

    internal static async Task Safely(Task transition)
    {
        try
        {
            await transition;
        }
        catch (RunNotFoundException)
        {
            // The run is gone (its database was reset): the timer has nothing left to act on.
        }
    }
}
