using Marten;
using Respond.Domain.Playbooks.Runs;
using Respond.Server.Auth;

namespace Respond.Server.Runbooks;

/// <summary><c>GET /api/runbooks</c>: each runbook with its schedule, next run and last result, or why it is not scheduled.</summary>
public static class ListRunbooks
{
    public sealed record Item(
        string Id,
        string Name,
        string? Description,
        string Schedule,
        string TimeZone,
        int? Version,
        bool Scheduled,
        string? NotScheduledReason,
        DateTimeOffset? NextRunAt,
        RunbookRunView? LastRun);

    public sealed record ItemsPage(IReadOnlyList<Item> Items, int Page, int PageSize, long Total);

    public static void Map(RouteGroupBuilder group) => group.MapGet("/", async (
        RunbookDirectory directory, RunbookSchedules schedules, IQuerySession session, CancellationToken ct) =>
    {
        var runbooks = await directory.ListAsync(ct);
        var items = new List<Item>();
        foreach (var runbook in runbooks)
        {
            var last = await session.Query<PlaybookRun>()
                .Where(r => r.PlaybookId == runbook.Id && r.IncidentId == null)
                .OrderByDescending(r => r.StartedAt)
                .FirstOrDefaultAsync(ct);
            items.Add(new Item(runbook.Id, runbook.Definition.Name, runbook.Definition.Description, runbook.Cron, runbook.TimeZone,
                runbook.Published?.Version, runbook.Scheduled, runbook.NotScheduledReason,
                runbook.Scheduled ? schedules.NextExecution(runbook.Id) : null, last is null ? null : RunbookRunView.Of(last)));
        }

        return Results.Ok(new ItemsPage(items, 1, Math.Max(items.Count, 1), items.Count));
    }).RequireAuthorization(Roles.Viewer).Produces<ItemsPage>();
}
