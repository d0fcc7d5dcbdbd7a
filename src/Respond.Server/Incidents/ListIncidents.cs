using Marten;
using Respond.Domain.Common;
using Respond.Domain.Incidents;
using Respond.Server.Auth;
using Respond.Server.Hosting;

namespace Respond.Server.Incidents;

/// <summary>
/// <c>GET /api/incidents</c>: the queue, newest first, filtered and paged on indexed fields. <c>sort=priority</c> puts what
/// is still open first, most severe first, then newest: the order a responder works in.
/// </summary>
public static class ListIncidents
{
    public sealed record Item(
        Guid Id,
        long Version,
        string Title,
        IncidentStatus Status,
        Severity Severity,
        Classification? Classification,
        string? Assignee,
        IReadOnlyList<string> Sources,
        DateTimeOffset OpenedAt,
        DateTimeOffset? AcknowledgedAt,
        DateTimeOffset? ContainedAt,
        DateTimeOffset? RecoveredAt,
        DateTimeOffset? ClosedAt,
        DateTimeOffset UpdatedAt);

    private const string Newest = "newest";
    private const string Priority = "priority";

    // On the duplicated columns, which hold the enumerations' member names ("Critical"): open before recovered and closed, then severity.
    private const string PriorityOrder = "(lower(status) in ('recovered', 'closed')), "
        + "case lower(severity) when 'critical' then 0 when 'high' then 1 when 'medium' then 2 when 'low' then 3 else 4 end, "
        + "opened_at desc";

    public sealed record ItemsPage(IReadOnlyList<Item> Items, int Page, int PageSize, long Total);

    public static void Map(RouteGroupBuilder group) => group.MapGet("/", async (
        string? status, string? severity, string? assignee, string? source, string? q, string? sort, int? page, int? pageSize,
        IQuerySession session, CancellationToken ct) =>
    {
        if (sort is not (null or "" or Newest or Priority))
        {
            return Problems.BadRequest($"sort is {Newest} (the default) or {Priority}.");
        }

        if (Paging.TryRead(page, pageSize, out var paging) is { } badPage)
        {
            return badPage;
        }

        var (pageNumber, size) = (paging.Page, paging.PageSize);

        if (!EnumWords.TryParseList<IncidentStatus>(status, out var statuses)
            || !EnumWords.TryParseList<Severity>(severity, out var severities))
        {
            return Problems.BadRequest(
                $"status is a comma-separated list of {string.Join(", ", ContractWords.All<IncidentStatus>())}; " +
                $"severity of {string.Join(", ", ContractWords.All<Severity>())}.");
        }

        IQueryable<Incident> query = session.Query<Incident>();
        if (statuses.Count > 0)
        {
            query = query.Where(x => statuses.Contains(x.Status));
        }

        if (severities.Count > 0)
        {
            query = query.Where(x => severities.Contains(x.Severity));
        }

        if (!string.IsNullOrWhiteSpace(assignee))
        {
            query = query.Where(x => x.Assignee == assignee);
        }

        if (!string.IsNullOrWhiteSpace(source))
        {
            var name = source.Trim();
            query = query.Where(x => x.Sources.Contains(name));
        }

        if (!string.IsNullOrWhiteSpace(q))
        {
            var text = q.Trim();
            query = query.Where(x => x.Title.Contains(text, StringComparison.OrdinalIgnoreCase));
        }

        // A separate count lets PostgreSQL count from the indexed columns instead of carrying every
        // full document through the page query (Marten's Stats() does the latter).
        var total = await query.CountAsync(ct);
        var ordered = sort == Priority ? query.OrderBySql(PriorityOrder) : query.OrderByDescending(x => x.OpenedAt);
        var items = await ordered
            .Skip((pageNumber - 1) * size)
            .Take(size)
            .Select(x => new Item(x.Id, x.Version, x.Title, x.Status, x.Severity, x.Classification, x.Assignee, x.Sources,
                x.OpenedAt, x.AcknowledgedAt, x.ContainedAt, x.RecoveredAt, x.ClosedAt, x.UpdatedAt))
            .ToListAsync(ct);
        return Results.Ok(new ItemsPage(items, pageNumber, size, total));
    }).RequireAuthorization(Roles.Viewer).Produces<ItemsPage>().ProducesProblem(400);
}
