using Marten;
using Marten.Pagination;
using Respond.Domain.Common;
using Respond.Domain.Playbooks.Runs;
using Respond.Server.Auth;
using Respond.Server.Hosting;

namespace Respond.Server.Playbooks.Runs;

/// <summary><c>GET /api/runs?incidentId=&amp;status=&amp;playbookId=</c>: runs, newest first, paged.</summary>
public static class ListRuns
{
    public sealed record Item(Guid Id, string PlaybookId, int PlaybookVersion, string PlaybookName, Guid? IncidentId, RunStatus Status,
        string Trigger, string StartedBy, DateTimeOffset StartedAt, DateTimeOffset? EndedAt, string? Error);

    public sealed record ItemsPage(IReadOnlyList<Item> Items, int Page, int PageSize, long Total);

    public static void Map(RouteGroupBuilder group) => group.MapGet("/", async (
        Guid? incidentId, string? status, string? playbookId, int? page, int? pageSize, IQuerySession session, CancellationToken ct) =>
    {
        if (Paging.TryRead(page, pageSize, out var paging) is { } badPage)
        {
            return badPage;
        }

        var (pageNumber, size) = (paging.Page, paging.PageSize);

        if (!EnumWords.TryParseList<RunStatus>(status, out var statuses))
        {
            return Problems.BadRequest($"status is a comma-separated list of {string.Join(", ", ContractWords.All<RunStatus>())}.");
        }

        IQueryable<PlaybookRun> query = session.Query<PlaybookRun>();
        if (incidentId is { } incident)
        {
            query = query.Where(r => r.IncidentId == incident);
        }

        if (statuses.Count > 0)
        {
            query = query.Where(r => statuses.Contains(r.Status));
        }

        if (!string.IsNullOrWhiteSpace(playbookId))
        {
            query = query.Where(r => r.PlaybookId == playbookId);
        }

        var runs = await query.OrderByDescending(r => r.StartedAt).ToPagedListAsync(pageNumber, size, ct);
        var items = runs.Select(r => new Item(r.Id, r.PlaybookId, r.PlaybookVersion, r.PlaybookName, r.IncidentId, r.Status, r.Trigger,
            r.StartedBy, r.StartedAt, r.EndedAt, r.Error)).ToList();
        return Results.Ok(new ItemsPage(items, pageNumber, size, runs.TotalItemCount));
    }).RequireAuthorization(Roles.Viewer).Produces<ItemsPage>().ProducesProblem(400);
}
