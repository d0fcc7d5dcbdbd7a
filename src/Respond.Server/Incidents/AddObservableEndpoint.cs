using Respond.Domain.Incidents;
using Respond.Server.Auth;

namespace Respond.Server.Incidents;

/// <summary><c>POST /api/incidents/{id}/observables</c>.</summary>
public static class AddObservableEndpoint
{
    public sealed record Body(string? Type, string? Value);

    public static void Map(RouteGroupBuilder group) => group.MapIncidentCommand<Body>("/{id:guid}/observables", Roles.Responder,
        (incident, body, actor, now) => IncidentDecider.Decide(incident, new AddObservable(body?.Type ?? "", body?.Value ?? "", actor, now)));
}
