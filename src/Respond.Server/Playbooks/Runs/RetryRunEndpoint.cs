using Respond.Domain.Playbooks.Runs;
using Respond.Server.Auth;
using Respond.Server.Playbooks.Library;

namespace Respond.Server.Playbooks.Runs;

/// <summary><c>POST /api/runs/{id}/retry</c>: a failed run goes on from its failed step, with the same idempotency key.</summary>
public static class RetryRunEndpoint
{
    public static void Map(RouteGroupBuilder group) => group.MapPost("/{id:guid}/retry", (
        Guid id, HttpContext context, RunTransitions transitions, IPlaybookCatalog catalog, CancellationToken ct) =>
        RunCommandPipeline.ApplyAsync(id, new RetryRun(), context, transitions, catalog, ct))
        .RequireAuthorization(Roles.Responder).Produces<RunView>().ProducesProblem(404).ProducesProblem(409);
}
