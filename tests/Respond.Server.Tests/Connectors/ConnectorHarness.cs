using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Respond.Server.Connectors;
using Respond.Server.Tests.Infrastructure;
using WireMock;
using WireMock.Server;

namespace Respond.Server.Tests.Connectors;

/// <summary>
/// The real connectors, built from in-memory settings on a plain service collection (no server, no database),
/// with every log line captured so tests can prove what never reaches the log.
/// </summary>
public sealed class ConnectorHarness : IDisposable
{
    public const string Key = "run-1:step-1";

    private readonly ServiceProvider provider;

    public ConnectorHarness(IDictionary<string, string?> settings, TimeProvider? clock = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        Configuration = configuration;
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(logging => logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace));
        if (clock is not null)
        {
            services.AddSingleton(clock);
        }

        services.AddHttpClient();
        services.AddConnectorServices();
        provider = services.BuildServiceProvider();
        Connectors = provider.GetRequiredService<IConnectors>();
    }

    public IConnectors Connectors { get; }

    /// <summary>The settings, to change and reload as an operator rotating a secret would.</summary>
    public IConfigurationRoot Configuration { get; }

    public CapturedLogs Logs { get; } = new();

    public static JsonObject Input(object input) => JsonSerializer.SerializeToNode(input)!.AsObject();

    public Task<JsonNode?> InvokeAsync(string connector, string operation, object input, TimeSpan? timeout = null, string key = Key) =>
        Connectors.InvokeAsync(connector, operation, input as JsonObject ?? Input(input), key, timeout, CancellationToken.None);

    public Task<ConnectorException> FailsAsync(string connector, string operation, object input, TimeSpan? timeout = null) =>
        Assert.ThrowsAsync<ConnectorException>(() => InvokeAsync(connector, operation, input, timeout));

    /// <summary>None of the secrets in any captured log line, nor in the given texts (outputs, messages).</summary>
    public void AssertNowhere(IEnumerable<string> secrets, params string?[] texts)
    {
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(Logs.Lines, line => line.Contains(secret, StringComparison.Ordinal));
            Assert.All(texts, text => Assert.DoesNotContain(secret, text ?? "", StringComparison.Ordinal));
        }
    }

    /// <summary>A loopback port nothing listens on, for "cannot connect".</summary>
    public static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public void Dispose() => provider.Dispose();
}

public static class WireMockRequests
{
    public static IReadOnlyList<IRequestMessage> Requests(this WireMockServer server) =>
        [.. server.LogEntries.Select(e => e.RequestMessage).OfType<IRequestMessage>()];

    public static string? Header(this IRequestMessage request, string name) =>
        request.Headers?.FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value?.FirstOrDefault();

    public static JsonNode? JsonBody(this IRequestMessage request) => request.Body is { Length: > 0 } body ? JsonNode.Parse(body) : null;
}
