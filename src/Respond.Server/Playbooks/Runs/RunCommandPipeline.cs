using Respond.Domain.Playbooks.Runs;
using Respond.Server.Auth;
using Respond.Server.Hosting;
using Respond.Server.Playbooks.Library;

namespace Respond.Server.Playbooks.Runs;

/// <summary>
/// The path every run command from HTTP shares (cancel, retry, approval decisions): apply it through <see cref="RunTransitions"/>
/// and answer 404, 409 with the reason, 403 for four eyes, or the run's new state.
/// </summary>
public static class RunCommandPipeline
{
    public static async Task<IResult> ApplyAsync(Guid runId, RunCommand command, HttpContext context, RunTransitions transitions,
        IPlaybookCatalog catalog, CancellationToken ct)
    {
        var (run, refusal) = await TryApplyAsync(runId, command, context, transitions, ct);
        if (run is null)
        {
            return refusal!;
        }

        var playbook = await catalog.GetAsync(run.PlaybookId, run.PlaybookVersion, ct);
        return Results.Ok(RunView.Of(run, playbook?.Definition));
    }

    /// <summary>The run as the command left it, or the refusal to answer.</summary>
    public static async Task<(PlaybookRun? Run, IResult? Refusal)> TryApplyAsync(Guid runId, RunCommand command, HttpContext context,
        RunTransitions transitions, CancellationToken ct)
    {
        try
        {
            return (await transitions.ApplyAsync(runId, command, context.User.Actor(), ct), null);
        }
        catch (RunNotFoundException ex)
        {
            return (null, Problems.NotFound(ex.Message));
        }
        catch (RunConflictException ex)
        {
            return (null, Problems.Status(StatusCodes.Status409Conflict, "The run's state forbids this.", ex.Message));
        }
        catch (ApprovalForbiddenException ex)
        {
            return (null, Problems.Status(StatusCodes.Status403Forbidden, "You may not decide this approval.", ex.Message));
        }
    }
}
