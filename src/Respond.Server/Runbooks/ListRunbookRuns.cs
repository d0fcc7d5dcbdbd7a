using Marten;
using Marten.Pagination;
using Respond.Domain.Playbooks.Runs;
using Respond.Server.Auth;
using Respond.Server.Hosting;

namespace Respond.Server.Runbooks;

/// <summary><c>GET /api/runbooks/{id}/runs</c>: the runbook's runs, newest first, each with its measured figures, for trends.</summary>
public static class ListRunbookRuns
{
    public sealed record ItemsPage(IReadOnlyList<RunbookRunView> Items, int Page, int PageSize, long Total);

    public static void Map(RouteGroupBuilder group) => group.MapGet("/{id}/runs", async (
        string id, int? page, int? pageSize, RunbookDirectory directory, IQuerySession session, CancellationToken ct) =>
    {
        if (Paging.TryRead(page, pageSize, out var paging) is { } badPage)
        {
            return badPage;
        }

        if (await directory.FindAsync(id, ct) is null)
        {
            return Problems.NotFound($"No runbook '{id}'.");
        }

        var runs = await session.Query<PlaybookRun>()
            .Where(r => r.PlaybookId == id && r.IncidentId == null)
            .OrderByDescending(r => r.StartedAt)
            .ToPagedListAsync(paging.Page, paging.PageSize, ct);
        return Results.Ok(new ItemsPage([.. runs.Select(RunbookRunView.Of)], paging.Page, paging.PageSize, runs.TotalItemCount));
    }).RequireAuthorization(Roles.Viewer).Produces<ItemsPage>().ProducesProblem(400).ProducesProblem(404);
}
