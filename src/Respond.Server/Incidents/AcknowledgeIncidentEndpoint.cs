using Respond.Domain.Incidents;
using Respond.Server.Auth;

namespace Respond.Server.Incidents;

/// <summary><c>POST /api/incidents/{id}/acknowledge</c>.</summary>
public static class AcknowledgeIncidentEndpoint
{
    public sealed record Body;

    public static void Map(RouteGroupBuilder group) => group.MapIncidentCommand<Body>("/{id:guid}/acknowledge", Roles.Responder,
        (incident, body, actor, now) => IncidentDecider.Decide(incident, new AcknowledgeIncident(actor, now)));
}
