using Respond.Domain.Common;
using Respond.Domain.Incidents;
using Respond.Server.Auth;

namespace Respond.Server.Incidents;

/// <summary><c>POST /api/incidents/{id}/close</c>.</summary>
public static class CloseIncidentEndpoint
{
    public sealed record Body(Classification? Classification, string? Reason);

    public static void Map(RouteGroupBuilder group) => group.MapIncidentCommand<Body>("/{id:guid}/close", Roles.Responder,
        (incident, body, actor, now) => IncidentDecider.Decide(incident, new CloseIncident(
            body?.Classification ?? throw new InvalidCommandException($"classification is required: {ContractWords.OneOf<Classification>()}."),
            body.Reason ?? "", actor, now)));
}
