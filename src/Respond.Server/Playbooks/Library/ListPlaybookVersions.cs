using Marten;
using Respond.Server.Auth;
using Respond.Server.Hosting;

namespace Respond.Server.Playbooks.Library;

/// <summary><c>GET /api/playbooks/{id}/versions</c>: the publishing history, newest first.</summary>
public static class ListPlaybookVersions
{
    public sealed record Item(int Version, string ContentHash, DateTimeOffset PublishedAt, string PublishedBy, string Source);

    public sealed record ItemsPage(IReadOnlyList<Item> Items, int Page, int PageSize, long Total);

    public static void Map(RouteGroupBuilder group) => group.MapGet("/{id}/versions", async (
        string id, int? page, int? pageSize, IQuerySession session, CancellationToken ct) =>
    {
        if (Paging.TryRead(page, pageSize, out var paging) is { } badPage)
        {
            return badPage;
        }

        var (pageNumber, size) = (paging.Page, paging.PageSize);

        if (await session.LoadAsync<PlaybookHead>(id, ct) is null)
        {
            return Problems.NotFound($"No playbook '{id}'.");
        }

        var query = session.Query<PlaybookVersionRecord>().Where(v => v.PlaybookId == id);
        var total = await query.CountAsync(ct);
        var items = await query.OrderByDescending(v => v.Version)
            .Skip((pageNumber - 1) * size)
            .Take(size)
            .Select(v => new Item(v.Version, v.ContentHash, v.PublishedAt, v.PublishedBy, v.Source))
            .ToListAsync(ct);
        return Results.Ok(new ItemsPage(items, pageNumber, size, total));
    }).RequireAuthorization(Roles.Viewer).Produces<ItemsPage>().ProducesProblem(400).ProducesProblem(404);
}
