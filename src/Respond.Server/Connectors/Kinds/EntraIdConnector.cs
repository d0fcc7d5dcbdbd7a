using System.Text.Json.Nodes;
using static Respond.Server.Connectors.InputSchema;

namespace Respond.Server.Connectors.Kinds;

/// <summary>
/// <c>entra-id</c>: Microsoft Graph user containment. Answers <c>{ status, userId }</c>, plus Graph's <c>value</c>
/// for revoke-sessions. Settings: see <see cref="MicrosoftApi"/>; the app needs User.ReadWrite.All (or User.RevokeSessions.All).
/// </summary>
public sealed class EntraIdConnector(MicrosoftApi api) : IConnectorKind
{
    public string Kind => "entra-id";

    public IReadOnlyList<ConnectorOperation> Operations { get; } =
    [
        new("disable-user", "Block the user's sign-in (accountEnabled = false).", Object(["userId"],
            ("userId", String("User object id or user principal name.")))),
        new("revoke-sessions", "Invalidate the user's refresh tokens and session cookies.", Object(["userId"],
            ("userId", String("User object id or user principal name.")))),
    ];

    public async Task<JsonNode?> ExecuteAsync(ConnectorRequest request, CancellationToken cancellationToken)
    {
        var userId = request.RequiredString("userId");
        var user = UrlPaths.Segment(request, "input.userId", userId);
        var answer = request.Operation switch
        {
            "disable-user" => await api.SendAsync(request, MicrosoftService.Graph, HttpMethod.Patch,
                $"v1.0/users/{user}", new JsonObject { ["accountEnabled"] = false }, cancellationToken),
            "revoke-sessions" => await api.SendAsync(request, MicrosoftService.Graph, HttpMethod.Post,
                $"v1.0/users/{user}/revokeSignInSessions", null, cancellationToken),
            _ => throw InputValues.Refused(request, "unknown operation."),
        };
        var output = new JsonObject { ["status"] = answer.Status, ["userId"] = userId };
        if (answer.JsonOrText() is JsonObject graph && graph["value"] is { } value)
        {
            output["value"] = value.DeepClone();
        }

        return output;
    }
}
