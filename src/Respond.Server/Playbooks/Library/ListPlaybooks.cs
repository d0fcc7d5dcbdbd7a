using Marten;
using Respond.Domain.Playbooks.Definitions;
using Respond.Server.Auth;
using Respond.Server.Hosting;

namespace Respond.Server.Playbooks.Library;

/// <summary><c>GET /api/playbooks</c>: the library by id, with each playbook's latest version and whether a draft waits.</summary>
public static class ListPlaybooks
{
    public sealed record Item(
        string Id,
        string Name,
        string? Description,
        string? Phase,
        PlaybookTrigger Trigger,
        int? LatestVersion,
        DateTimeOffset? PublishedAt,
        bool HasDraft,
        DateTimeOffset? DraftSavedAt,
        DateTimeOffset UpdatedAt);

    public sealed record ItemsPage(IReadOnlyList<Item> Items, int Page, int PageSize, long Total);

    public static void Map(RouteGroupBuilder group) => group.MapGet("/", async (
        string? trigger, string? q, int? page, int? pageSize, IQuerySession session, CancellationToken ct) =>
    {
        if (Paging.TryRead(page, pageSize, out var paging) is { } badPage)
        {
            return badPage;
        }

        var (pageNumber, size) = (paging.Page, paging.PageSize);

        if (trigger is not null && !TriggerKinds.All.Contains(trigger))
        {
            return Problems.BadRequest($"trigger is one of {string.Join(", ", TriggerKinds.All)}.");
        }

        IQueryable<PlaybookHead> query = session.Query<PlaybookHead>();
        if (trigger is not null)
        {
            query = query.Where(h => h.Trigger.On == trigger);
        }

        if (!string.IsNullOrWhiteSpace(q))
        {
            var text = q.Trim();
            query = query.Where(h => h.Name.Contains(text, StringComparison.OrdinalIgnoreCase) || h.Id.Contains(text));
        }

        var total = await query.CountAsync(ct);
        var heads = await query.OrderBy(h => h.Id).Skip((pageNumber - 1) * size).Take(size).ToListAsync(ct);
        var items = heads.Select(h => new Item(h.Id, h.Name, h.Description, h.Phase, h.Trigger, h.LatestVersion > 0 ? h.LatestVersion : null,
            h.PublishedAt, h.HasDraft, h.DraftSavedAt, h.UpdatedAt)).ToList();
        return Results.Ok(new ItemsPage(items, pageNumber, size, total));
    }).RequireAuthorization(Roles.Viewer).Produces<ItemsPage>().ProducesProblem(400);
}
