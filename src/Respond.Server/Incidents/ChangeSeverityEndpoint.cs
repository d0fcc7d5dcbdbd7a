using Respond.Domain.Common;
using Respond.Domain.Incidents;
using Respond.Server.Auth;

namespace Respond.Server.Incidents;

/// <summary><c>POST /api/incidents/{id}/severity</c>.</summary>
public static class ChangeSeverityEndpoint
{
    public sealed record Body(Severity? Severity, string? Reason);

    public static void Map(RouteGroupBuilder group) => group.MapIncidentCommand<Body>("/{id:guid}/severity", Roles.Responder,
        (incident, body, actor, now) => IncidentDecider.Decide(incident, new ChangeSeverity(
            body?.Severity ?? throw new InvalidCommandException($"severity is required: {ContractWords.OneOf<Severity>()}."),
            body.Reason ?? "", actor, now)));
}
