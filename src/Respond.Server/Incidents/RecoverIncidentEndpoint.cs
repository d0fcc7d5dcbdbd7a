using Respond.Domain.Incidents;
using Respond.Server.Auth;

namespace Respond.Server.Incidents;

/// <summary><c>POST /api/incidents/{id}/recover</c>.</summary>
public static class RecoverIncidentEndpoint
{
    public sealed record Body(string? Summary);

    public static void Map(RouteGroupBuilder group) => group.MapIncidentCommand<Body>("/{id:guid}/recover", Roles.Responder,
        (incident, body, actor, now) => IncidentDecider.Decide(incident, new RecoverIncident(body?.Summary ?? "", actor, now)));
}
