using Microsoft.Extensions.DependencyInjection.Extensions;
using Respond.Server.Connectors.Kinds;
using Respond.Server.Connectors.Kinds.PostgresStandby;

namespace Respond.Server.Connectors;

/// <summary>The connector kinds and the configured connectors: <c>GET /api/connectors</c>.</summary>
public static class ConnectorsModule
{
    public static void AddConnectors(this WebApplicationBuilder builder) => builder.Services.AddConnectorServices();

    /// <summary>Everything connectors need, on any service collection that has an <see cref="IConfiguration"/>.</summary>
    public static IServiceCollection AddConnectorServices(this IServiceCollection services)
    {
        // OutboundHttp builds its own handlers (no IHttpClientFactory): its logging handlers would log every request
        // URI, and a webhook URL's path is its secret; and each allow-list of networks needs its own connection pool.
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<OutboundHttp>();
        services.TryAddSingleton<OAuthTokens>();
        services.TryAddSingleton<MicrosoftApi>();
        services.AddSingleton<IConnectorKind, HttpConnector>();
        services.AddSingleton<IConnectorKind, SlackConnector>();
        services.AddSingleton<IConnectorKind, TeamsConnector>();
        services.AddSingleton<IConnectorKind, EmailConnector>();
        services.AddSingleton<IConnectorKind, DefenderEndpointConnector>();
        services.AddSingleton<IConnectorKind, EntraIdConnector>();
        services.AddSingleton<IConnectorKind, AzureNsgConnector>();
        services.AddSingleton<IConnectorKind, FirewallConnector>();
        services.AddSingleton<IConnectorKind, PostgresBackupConnector>();
        services.AddSingleton<IConnectorKind, AzureBackupConnector>();
        services.AddSingleton<IConnectorKind, SiteRecoveryConnector>();
        services.AddSingleton<IConnectorKind, PostgresStandbyConnector>();
        services.TryAddSingleton<IConnectors, ConfiguredConnectors>();
        return services;
    }

    public static void MapConnectors(this WebApplication app)
    {
        // Resolve now, so a connector with an unknown kind stops the start with its name, not the first playbook run.
        _ = app.Services.GetRequiredService<IConnectors>();
        ListConnectorsEndpoint.Map(app);
    }
}
