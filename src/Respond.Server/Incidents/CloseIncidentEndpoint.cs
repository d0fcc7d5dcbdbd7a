using Marten;
using Respond.Domain.Incidents;
using Respond.Server.Auth;
using Respond.Server.Hosting;

namespace Respond.Server.Incidents;

/// <summary><c>POST /api/incidents/{id}/close</c>.</summary>
public static class CloseIncidentEndpoint
{
    public sealed record Body(Classification? Classification, string? Reason);

    public static void Map(RouteGroupBuilder group) => group.MapPost("/{id:guid}/close", (
        Guid id, HttpContext context, IDocumentSession session, TimeProvider clock, CancellationToken ct) =>
        IncidentCommands.RunAsync<Body>(id, context, session, (incident, body) => IncidentDecider.Decide(incident, new CloseIncident(
            body?.Classification ?? throw new InvalidCommandException(
                "classification is required: true-positive, benign-positive, false-positive or undetermined."),
            body.Reason ?? "", context.User.Actor(), clock.GetUtcNow())), ct))
        .RequireAuthorization(Roles.Responder)
        .Produces<CommandAnswer>()
        .ProducesProblem(400).ProducesProblem(404).ProducesProblem(409).ProducesProblem(412);
}
