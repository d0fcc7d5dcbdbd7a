using Respond.Server.Auth;

namespace Respond.Server.Connectors;

/// <summary><c>GET /api/connectors</c>: each configured connector's name, kind and operations with their input schemas; never a setting.</summary>
public static class ListConnectorsEndpoint
{
    public sealed record OperationView(string Name, string Description, System.Text.Json.Nodes.JsonObject InputSchema);

    public sealed record ConnectorView(string Name, string Kind, IReadOnlyList<OperationView> Operations);

    public static void Map(WebApplication app) => app.MapGet("/api/connectors", (IConnectors connectors) => Results.Ok(new
    {
        items = connectors.All.Select(c => new ConnectorView(c.Name, c.Kind,
            [.. c.Operations.Select(o => new OperationView(o.Name, o.Description, o.InputSchema))])),
    })).RequireAuthorization(Roles.Viewer).WithTags("Connectors");
}
