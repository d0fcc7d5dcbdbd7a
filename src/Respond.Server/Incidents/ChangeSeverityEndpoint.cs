using Marten;
using Respond.Domain.Incidents;
using Respond.Server.Auth;
using Respond.Server.Hosting;

namespace Respond.Server.Incidents;

/// <summary><c>POST /api/incidents/{id}/severity</c>.</summary>
public static class ChangeSeverityEndpoint
{
    public sealed record Body(Respond.Domain.Common.Severity? Severity, string? Reason);

    public static void Map(RouteGroupBuilder group) => group.MapPost("/{id:guid}/severity", (
        Guid id, HttpContext context, IDocumentSession session, TimeProvider clock, CancellationToken ct) =>
        IncidentCommands.RunAsync<Body>(id, context, session, (incident, body) => IncidentDecider.Decide(incident, new ChangeSeverity(
            body?.Severity ?? throw new InvalidCommandException("severity is required: informational, low, medium, high or critical."),
            body.Reason ?? "", context.User.Actor(), clock.GetUtcNow())), ct))
        .RequireAuthorization(Roles.Responder)
        .Produces<CommandAnswer>()
        .ProducesProblem(400).ProducesProblem(404).ProducesProblem(409).ProducesProblem(412);
}
