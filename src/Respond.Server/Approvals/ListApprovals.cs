using Marten;
using Respond.Domain.Common;
using Respond.Domain.Playbooks.Runs;
using Respond.Server.Auth;
using Respond.Server.Hosting;
using Respond.Server.Playbooks.Library;

namespace Respond.Server.Approvals;

/// <summary><c>GET /api/approvals?status=pending&amp;incidentId=&amp;page=&amp;pageSize=</c>: the approvals inbox, oldest request first.</summary>
public static class ListApprovals
{
    public const int MaxItems = 500;
    public sealed record ItemsPage(IReadOnlyList<ApprovalView> Items, int Page, int PageSize, long Total);

    public static void Map(RouteGroupBuilder group) => group.MapGet("/", async (
        string? status, Guid? incidentId, int? page, int? pageSize, IQuerySession session, IPlaybookCatalog catalog, RunEngine engine,
        HttpContext context, TimeProvider clock, CancellationToken ct) =>
    {
        if (Paging.TryRead(page, pageSize, out var paging) is { } badPage)
        {
            return badPage;
        }

        var (pageNumber, size) = (paging.Page, paging.PageSize);

        if (!EnumWords.TryParseList<ApprovalStatus>(status, out var statuses))
        {
            return Problems.BadRequest($"status is a comma-separated list of {string.Join(", ", ContractWords.All<ApprovalStatus>())}.");
        }

        IQueryable<PlaybookRun> query = session.Query<PlaybookRun>();
        // An approval waits for a decision only while its run goes on: one of a failed run is not in the inbox.
        query = statuses.Count == 1 && statuses[0] == ApprovalStatus.Pending
            ? query.Where(r => r.Approvals.Any(a => a.Status == ApprovalStatus.Pending)
                && (r.Status == RunStatus.Running || r.Status == RunStatus.Waiting))
            : query.Where(r => r.Approvals.Any());
        if (incidentId is { } incident)
        {
            query = query.Where(r => r.IncidentId == incident);
        }

        var runs = await query.OrderByDescending(r => r.UpdatedAt).Take(MaxItems).ToListAsync(ct);
        // Versions are immutable and the catalog caches them: one read per distinct pinned version, not per run.
        var pinned = new Dictionary<(string, int), PublishedPlaybook?>();
        foreach (var run in runs)
        {
            var key = (run.PlaybookId, run.PlaybookVersion);
            if (!pinned.ContainsKey(key))
            {
                pinned[key] = await catalog.GetAsync(run.PlaybookId, run.PlaybookVersion, ct);
            }
        }

        var matching = runs
            .SelectMany(run => run.Approvals
                .Where(a => a.Status != ApprovalStatus.Pending || !run.IsOver)
                .Select(a => ApprovalView.Of(run, a, pinned[(run.PlaybookId, run.PlaybookVersion)]?.Definition)))
            .Where(a => statuses.Count == 0 || statuses.Contains(a.Status))
            .OrderBy(a => a.RequestedAt)
            .ToList();
        // Only the page shown is rendered: each rendering runs the playbook's expressions in the sandbox.
        var preview = new ApprovalPreview(engine, session, context.User.Actor(), clock.GetUtcNow());
        var byId = runs.ToDictionary(r => r.Id);
        var items = new List<ApprovalView>();
        foreach (var view in matching.Skip((pageNumber - 1) * size).Take(size))
        {
            var run = byId[view.RunId];
            items.Add(await preview.RenderAsync(view, run, pinned[(run.PlaybookId, run.PlaybookVersion)]?.Definition, ct));
        }

        return Results.Ok(new ItemsPage(items, pageNumber, size, matching.Count));
    }).RequireAuthorization(Roles.Viewer).Produces<ItemsPage>().ProducesProblem(400);
}
