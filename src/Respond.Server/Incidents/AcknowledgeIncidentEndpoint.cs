using Marten;
using Respond.Domain.Incidents;
using Respond.Server.Auth;
using Respond.Server.Hosting;

namespace Respond.Server.Incidents;

/// <summary><c>POST /api/incidents/{id}/acknowledge</c>.</summary>
public static class AcknowledgeIncidentEndpoint
{
    public sealed record Body;

    public static void Map(RouteGroupBuilder group) => group.MapPost("/{id:guid}/acknowledge", (
        Guid id, HttpContext context, IDocumentSession session, TimeProvider clock, CancellationToken ct) =>
        IncidentCommands.RunAsync<Body>(id, context, session, (incident, body) => IncidentDecider.Decide(incident, new AcknowledgeIncident(context.User.Actor(), clock.GetUtcNow())), ct))
        .RequireAuthorization(Roles.Responder)
        .Produces<CommandAnswer>()
        .ProducesProblem(400).ProducesProblem(404).ProducesProblem(409).ProducesProblem(412);
}
