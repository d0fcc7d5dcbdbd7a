using Marten;
using Respond.Domain.Incidents;
using Respond.Server.Auth;
using Respond.Server.Hosting;

namespace Respond.Server.Incidents;

/// <summary><c>GET /api/incidents/{id}/timeline</c>: every event of the incident, the audit trail.</summary>
public static class GetTimeline
{
    public sealed record Entry(long Version, string Type, DateTimeOffset At, string Actor, object Data);

    public static void Map(RouteGroupBuilder group) => group.MapGet("/{id:guid}/timeline", async (
        Guid id, IQuerySession session, CancellationToken ct) =>
    {
        var events = await session.Events.FetchStreamAsync(id, token: ct);
        if (events.Count == 0)
        {
            return Problems.NotFound($"No incident {id}.");
        }

        var entries = events.Select(e => e.Data is IIncidentEvent fact
            ? new Entry(e.Version, e.Data.GetType().Name, fact.At, fact.Actor, e.Data)
            : new Entry(e.Version, e.Data.GetType().Name, e.Timestamp, e.UserName ?? "system", e.Data));
        return Results.Ok(new { items = entries });
    }).RequireAuthorization(Roles.Viewer).ProducesProblem(404);
}
