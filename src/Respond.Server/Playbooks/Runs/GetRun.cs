using Marten;
using Respond.Domain.Playbooks.Runs;
using Respond.Server.Auth;
using Respond.Server.Hosting;
using Respond.Server.Playbooks.Library;

namespace Respond.Server.Playbooks.Runs;

/// <summary><c>GET /api/runs/{id}</c>: the run's state, each step's status, attempts, input, output and error.</summary>
public static class GetRun
{
    public static void Map(RouteGroupBuilder group) => group.MapGet("/{id:guid}", async (
        Guid id, IQuerySession session, IPlaybookCatalog catalog, HttpContext context, CancellationToken ct) =>
    {
        if (await session.LoadAsync<PlaybookRun>(id, ct) is not { } run)
        {
            return Problems.NotFound($"No run {id}.");
        }

        var playbook = await catalog.GetAsync(run.PlaybookId, run.PlaybookVersion, ct);
        context.Response.Headers.ETag = $"\"{run.Version}\"";
        return Results.Ok(RunView.Of(run, playbook?.Definition));
    }).RequireAuthorization(Roles.Viewer).Produces<RunView>().ProducesProblem(404);
}
