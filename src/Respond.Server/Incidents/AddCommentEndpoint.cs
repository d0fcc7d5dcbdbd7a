using Respond.Domain.Incidents;
using Respond.Server.Auth;

namespace Respond.Server.Incidents;

/// <summary><c>POST /api/incidents/{id}/comments</c>.</summary>
public static class AddCommentEndpoint
{
    public sealed record Body(string? Text);

    public static void Map(RouteGroupBuilder group) => group.MapIncidentCommand<Body>("/{id:guid}/comments", Roles.Responder,
        (incident, body, actor, now) => IncidentDecider.Decide(incident, new AddComment(Guid.CreateVersion7(), body?.Text ?? "", actor, now)));
}
