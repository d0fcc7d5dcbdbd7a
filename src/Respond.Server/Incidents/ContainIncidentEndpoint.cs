using Respond.Domain.Incidents;
using Respond.Server.Auth;

namespace Respond.Server.Incidents;

/// <summary><c>POST /api/incidents/{id}/contain</c>.</summary>
public static class ContainIncidentEndpoint
{
    public sealed record Body(string? Summary);

    public static void Map(RouteGroupBuilder group) => group.MapIncidentCommand<Body>("/{id:guid}/contain", Roles.Responder,
        (incident, body, actor, now) => IncidentDecider.Decide(incident, new ContainIncident(body?.Summary ?? "", Automated: false, actor, now)));
}
