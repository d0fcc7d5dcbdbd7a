using Respond.Domain.Playbooks.Runs;
using Respond.Server.Auth;
using Respond.Server.Hosting;
using Respond.Server.Playbooks.Library;

namespace Respond.Server.Playbooks.Runs;

/// <summary><c>POST /api/runs/{id}/cancel</c> <c>{reason}</c>: stops a run; its pending approvals close, late results lead nowhere.</summary>
public static class CancelRunEndpoint
{
    public sealed record Body(string? Reason);

    public static void Map(RouteGroupBuilder group) => group.MapPost("/{id:guid}/cancel", async (
        Guid id, HttpContext context, RunTransitions transitions, IPlaybookCatalog catalog, CancellationToken ct) =>
    {
        var (body, error) = await CommandBodies.ReadAsync<Body>(context.Request, ct);
        return error ?? await RunCommandPipeline.ApplyAsync(id, new CancelRun(CommandBodies.Trimmed(body?.Reason)), context, transitions,
            catalog, ct);
    }).RequireAuthorization(Roles.Responder).Produces<RunView>().ProducesProblem(400).ProducesProblem(404).ProducesProblem(409);

}
