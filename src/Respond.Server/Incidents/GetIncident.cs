using System.Globalization;
using Marten;
using Respond.Domain.Common;
using Respond.Domain.Incidents;
using Respond.Domain.Playbooks.Runs;
using Respond.Server.Auth;
using Respond.Server.Hosting;

namespace Respond.Server.Incidents;

/// <summary>
/// <c>GET /api/incidents/{id}</c>: the incident now (from its inline document), or as it was at
/// <c>?version=N</c> or <c>?asOf=</c> (replayed from its events).
/// </summary>
public static class GetIncident
{
    public static void Map(RouteGroupBuilder group) => group.MapGet("/{id:guid}", async (
        Guid id, long? version, string? asOf, HttpContext context, IQuerySession session, CancellationToken ct) =>
    {
        Incident? incident;
        if (version is not null && asOf is not null)
        {
            return Problems.BadRequest("Give either version or asOf, not both.");
        }

        if (version is { } v)
        {
            if (v < 1)
            {
                return Problems.BadRequest("version starts at 1.");
            }

            incident = await session.Events.AggregateStreamAsync<Incident>(id, version: v, token: ct);
        }
        else if (asOf is not null)
        {
            if (!DateTimeOffset.TryParse(asOf, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            {
                return Problems.BadRequest("asOf must be an ISO-8601 time.");
            }

            incident = await session.Events.AggregateStreamAsync<Incident>(id, timestamp: at.ToUniversalTime(), token: ct);
        }
        else
        {
            incident = await session.LoadAsync<Incident>(id, ct);
        }

        if (incident is null)
        {
            return Problems.NotFound(version is null && asOf is null ? $"No incident {id}." : $"Incident {id} did not exist then.");
        }

        context.Response.Headers.ETag = $"\"{incident.Version}\"";
        var runs = await session.Query<PlaybookRun>()
            .Where(r => r.IncidentId == id)
            .OrderBy(r => r.StartedAt)
            .Select(r => new { r.Id, r.PlaybookId, r.Status })
            .ToListAsync(ct);
        return Results.Ok(IncidentDetails.From(incident,
            runs.Select(r => new RunSummary(r.Id, r.PlaybookId, ContractWords.Of(r.Status))).ToList()));
    }).RequireAuthorization(Roles.Viewer).Produces<IncidentDetails>().ProducesProblem(400).ProducesProblem(404);
}
