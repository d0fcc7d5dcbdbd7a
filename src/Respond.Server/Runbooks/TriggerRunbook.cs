using Respond.Server.Auth;
using Respond.Server.Hosting;

namespace Respond.Server.Runbooks;

/// <summary><c>POST /api/runbooks/{id}/trigger</c>: "run now". 202 <c>{ runId }</c>; the run goes on on the durable engine.</summary>
public static class TriggerRunbook
{
    public sealed record Accepted(Guid RunId);

    public static void Map(RouteGroupBuilder group) => group.MapPost("/{id}/trigger", async (
        string id, HttpContext context, RunbookDirectory directory, RunbookStarter starter, CancellationToken ct) =>
    {
        var (_, error) = await CommandBodies.ReadAsync<EmptyBody>(context.Request, ct);
        if (error is not null)
        {
            return error;
        }

        if (await directory.FindAsync(id, ct) is not { } runbook)
        {
            return Problems.NotFound($"No runbook '{id}'.");
        }

        if (runbook is not { Published: { } playbook, NotScheduledReason: null })
        {
            return Problems.Status(StatusCodes.Status409Conflict, "The runbook cannot run.", runbook.NotScheduledReason);
        }

        var (runId, started) = await starter.StartNowAsync(playbook, context.User.Actor(), ct);
        return started
            ? Results.Accepted($"/api/runs/{runId}", new Accepted(runId))
            : Problems.Status(StatusCodes.Status409Conflict, "The runbook is already running.",
                $"Run {runId} of '{playbook.Id}' is still going; one run of a runbook at a time.",
                new Dictionary<string, object?> { ["runId"] = runId });
    }).RequireAuthorization(Roles.Responder).Produces<Accepted>(StatusCodes.Status202Accepted).ProducesProblem(404).ProducesProblem(409);

    private sealed record EmptyBody;
}
