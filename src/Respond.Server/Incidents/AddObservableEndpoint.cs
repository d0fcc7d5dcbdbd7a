using Marten;
using Respond.Domain.Incidents;
using Respond.Server.Auth;
using Respond.Server.Hosting;

namespace Respond.Server.Incidents;

/// <summary><c>POST /api/incidents/{id}/observables</c>.</summary>
public static class AddObservableEndpoint
{
    public sealed record Body(string? Type, string? Value);

    public static void Map(RouteGroupBuilder group) => group.MapPost("/{id:guid}/observables", (
        Guid id, HttpContext context, IDocumentSession session, TimeProvider clock, CancellationToken ct) =>
        IncidentCommands.RunAsync<Body>(id, context, session, (incident, body) => IncidentDecider.Decide(incident, new AddObservable(body?.Type ?? "", body?.Value ?? "", context.User.Actor(), clock.GetUtcNow())), ct))
        .RequireAuthorization(Roles.Responder)
        .Produces<CommandAnswer>()
        .ProducesProblem(400).ProducesProblem(404).ProducesProblem(409).ProducesProblem(412);
}
