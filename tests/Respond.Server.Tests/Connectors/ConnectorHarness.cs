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

    /// <param name="allowLoopback">
    /// Opt every connector in to loopback (its targets here run on this machine); false to see the default refusal.
    /// </param>
    public ConnectorHarness(IDictionary<string, string?> settings, TimeProvider? clock = null, bool allowLoopback = true)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(allowLoopback ? LocalTargets.AllowLoopback(settings) : settings).Build();
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

/// <summary>Test targets (WireMock, the fake SMTP server) listen on loopback, which connectors refuse unless allowed.</summary>
public static class LocalTargets
{
    /// <summary>
    /// The settings with <c>AllowedNetworks</c> = loopback (127.0.0.0/8, ::1/128) added to every connector that does
    /// not set its own, as an operator would for targets on the same machine.
    /// </summary>
    public static Dictionary<string, string?> AllowLoopback(IEnumerable<KeyValuePair<string, string?>> settings)
    {
        var result = new Dictionary<string, string?>(settings, StringComparer.OrdinalIgnoreCase);
        var connectors = result.Keys.Select(k => k.Split(':'))
            .Where(p => p.Length == 4 && p[0] == "Respond" && p[1] == "Connectors" && p[3] == "Kind")
            .Select(p => p[2]).ToList();
        foreach (var name in connectors)
        {
            var prefix = $"Respond:Connectors:{name}:AllowedNetworks";
            if (!result.Keys.Any(k => k.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)))
            {
                result[prefix + ":0"] = "127.0.0.0/8";
                result[prefix + ":1"] = "::1/128";
            }
        }

        return result;
    }
}
