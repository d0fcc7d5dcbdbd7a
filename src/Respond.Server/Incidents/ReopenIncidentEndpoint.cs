using Respond.Domain.Incidents;
using Respond.Server.Auth;

namespace Respond.Server.Incidents;

/// <summary><c>POST /api/incidents/{id}/reopen</c>.</summary>
public static class ReopenIncidentEndpoint
{
    public sealed record Body(string? Reason);

    public static void Map(RouteGroupBuilder group) => group.MapIncidentCommand<Body>("/{id:guid}/reopen", Roles.Responder,
        (incident, body, actor, now) => IncidentDecider.Decide(incident, new ReopenIncident(body?.Reason ?? "", actor, now)));
}
