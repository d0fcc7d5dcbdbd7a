using System.Text.Json.Nodes;
using static Respond.Server.Connectors.InputSchema;

namespace Respond.Server.Connectors.Kinds;

/// <summary>
/// <c>defender-endpoint</c>: Microsoft Defender for Endpoint machine actions. Answers the API's MachineAction
/// (<c>id</c>, <c>type</c>, <c>status</c>, …). Settings: see <see cref="MicrosoftApi"/>.
/// </summary>
public sealed class DefenderEndpointConnector(MicrosoftApi api) : IConnectorKind
{
    public string Kind => "defender-endpoint";

    public IReadOnlyList<ConnectorOperation> Operations { get; } =
    [
        new("isolate-machine", "Isolate a device from the network (Defender for Endpoint 'Isolate machine').", Object(["machineId", "comment"],
            ("machineId", String("Defender machine id.")),
            ("comment", String("Comment recorded with the action.")),
            ("isolationType", Enum("Full, or Selective (Outlook, Teams and Skype keep working); Full when omitted.", "Full", "Selective")))),
        new("release-machine", "Release a device from isolation (Defender for Endpoint 'Release machine from isolation').", Object(
            ["machineId", "comment"],
            ("machineId", String("Defender machine id.")),
            ("comment", String("Comment recorded with the action.")))),
    ];

    public async Task<JsonNode?> ExecuteAsync(ConnectorRequest request, CancellationToken cancellationToken)
    {
        var machine = UrlPaths.Segment(request, "input.machineId", request.RequiredString("machineId"));
        var (action, body) = request.Operation switch
        {
            "isolate-machine" => ("isolate", new JsonObject
            {
                ["Comment"] = request.RequiredString("comment"),
                ["IsolationType"] = request.OptionalString("isolationType") ?? "Full",
            }),
            "release-machine" => ("unisolate", new JsonObject { ["Comment"] = request.RequiredString("comment") }),
            _ => throw InputValues.Refused(request, "unknown operation."),
        };
        var answer = await api.SendAsync(request, MicrosoftService.DefenderForEndpoint, HttpMethod.Post,
            $"api/machines/{machine}/{action}", body, cancellationToken);
        return answer.ApiOutput();
    }
}
