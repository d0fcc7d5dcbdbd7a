using Respond.Domain.Incidents;
using Respond.Server.Auth;

namespace Respond.Server.Incidents;

/// <summary><c>POST /api/incidents/{id}/assign</c>.</summary>
public static class AssignIncidentEndpoint
{
    public sealed record Body(string? Assignee);

    public static void Map(RouteGroupBuilder group) => group.MapIncidentCommand<Body>("/{id:guid}/assign", Roles.Responder,
        (incident, body, actor, now) => IncidentDecider.Decide(incident, new AssignIncident(body?.Assignee ?? "", actor, now)));
}
