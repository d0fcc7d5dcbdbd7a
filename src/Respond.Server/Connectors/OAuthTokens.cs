using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Respond.Server.Connectors;

/// <summary>An OAuth 2.0 client-credentials client, as the Microsoft connectors configure it.</summary>
public sealed record OAuthClient(Uri TokenUrl, string ClientId, string ClientSecret, string Scope);

/// <summary>
/// Client-credentials access tokens, cached until shortly before they expire. One cache for every connector:
/// connectors with the same token endpoint, client and scope share a token (and one request for it).
/// </summary>
public sealed class OAuthTokens(OutboundHttp http, TimeProvider clock)
{
    private static readonly TimeSpan MaxRefreshMargin = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, Slot> slots = new(StringComparer.Ordinal);

    public async Task<string> GetAsync(ConnectorRequest request, OAuthClient client, CancellationToken cancellationToken)
    {
        var slot = slots.GetOrAdd(KeyOf(client), _ => new Slot());
        if (slot.TokenAt(clock.GetUtcNow()) is { } cached)
        {
            return cached;
        }

        // One request per client at a time: concurrent steps wait for the same token instead of each asking.
        await slot.Gate.WaitAsync(cancellationToken);
        try
        {
            if (slot.TokenAt(clock.GetUtcNow()) is { } fresh)
            {
                return fresh;
            }

            var (token, lifetime) = await RequestAsync(request, client, cancellationToken);
            var margin = TimeSpan.FromTicks(Math.Min(MaxRefreshMargin.Ticks, lifetime.Ticks / 2));
            slot.Store(token, clock.GetUtcNow() + lifetime - margin);
            return token;
        }
        finally
        {
            slot.Gate.Release();
        }
    }

    /// <summary>Drops a token the API refused (revoked, or its permissions changed), so the next attempt gets a new one.</summary>
    public void Forget(OAuthClient client, string token)
    {
        if (slots.TryGetValue(KeyOf(client), out var slot))
        {
            slot.Clear(token);
        }
    }

    private async Task<(string Token, TimeSpan Lifetime)> RequestAsync(ConnectorRequest request, OAuthClient client,
        CancellationToken cancellationToken)
    {
        var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = client.ClientId,
            ["client_secret"] = client.ClientSecret,
            ["scope"] = client.Scope,
        });
        var call = new OutboundCall(HttpMethod.Post, client.TokenUrl, client.TokenUrl)
        {
            Content = form,
            SendIdempotencyKey = false,
            Purpose = "the token endpoint",
        };
        var answer = await http.SendAsync(request, call, cancellationToken);
        var body = answer.IsJson ? answer.JsonOrText() as JsonObject : null;
        if (body?["access_token"] is not JsonValue tokenValue || tokenValue.GetValueKind() != JsonValueKind.String)
        {
            throw new ConnectorException(
                $"Connector '{request.ConnectorName}' {request.Operation}: the token endpoint ({client.TokenUrl.Authority}) answered without an " +
                    "access_token.",
                retryable: false, answer.Status);
        }

        return (tokenValue.GetValue<string>(), LifetimeOf(body["expires_in"]));
    }

    // expires_in is a number of seconds; some endpoints send it as a string. Without it, assume a short hour.
    private static TimeSpan LifetimeOf(JsonNode? expiresIn)
    {
        var text = expiresIn is JsonValue value ? value.ToString() : null;
        return double.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : TimeSpan.FromMinutes(50);
    }

    // The secret is part of the key (as a digest) so a connector with a wrong secret cannot ride on another's token.
    private static string KeyOf(OAuthClient client) =>
        string.Join('\n', client.TokenUrl.AbsoluteUri, client.ClientId, client.Scope,
            Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(client.ClientSecret))));

    private sealed class Slot
    {
        private readonly Lock sync = new();
        private string? token;
        private DateTimeOffset refreshAt;

        public SemaphoreSlim Gate { get; } = new(1, 1);

        public string? TokenAt(DateTimeOffset now)
        {
            lock (sync)
            {
                return token is not null && now < refreshAt ? token : null;
            }
        }

        public void Store(string value, DateTimeOffset until)
        {
            lock (sync)
            {
                token = value;
                refreshAt = until;
            }
        }

        public void Clear(string value)
        {
            lock (sync)
            {
                if (token == value)
                {
                    token = null;
                }
            }
        }
    }
}
