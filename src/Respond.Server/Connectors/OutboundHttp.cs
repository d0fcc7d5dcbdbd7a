using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace Respond.Server.Connectors;

/// <summary>
/// The rules every HTTP connector kind follows, in one place: only the configured origin, no redirects
/// followed, <c>Idempotency-Key</c> on every call, a per-call time-out, capped response bodies, and failures
/// classified as retryable (network, time-out, 408, 429, 5xx) or not, with secret-free messages. Connections
/// go only to addresses the connector's <see cref="OutboundNetworks"/> allows, checked on the resolved address.
/// </summary>
public sealed class OutboundHttp : IDisposable
{
    // One client per allow-list, so a connection opened under a wider list is never reused under a narrower one.
    private readonly ConcurrentDictionary<string, Lazy<HttpClient>> clients = new(StringComparer.Ordinal);

    public const int MaxResponseBytes = 256 * 1024;

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    public static TimeSpan EffectiveTimeout(TimeSpan requested) => requested > TimeSpan.Zero ? requested : DefaultTimeout;

    public async Task<OutboundResponse> SendAsync(ConnectorRequest request, OutboundCall call, CancellationToken cancellationToken)
    {
        EnsureSameOrigin(request, call);
        var networks = OutboundNetworks.For(request);
        using var message = Compose(request, call);
        var timeout = EffectiveTimeout(request.Timeout);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var target = call.Target.Authority;
        try
        {
            using var response = await ClientFor(networks).SendAsync(message, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            var answer = await ReadAsync(response, deadline.Token);
            return answer.Status switch
            {
                >= 400 => throw Failure(request, call, answer, RetryAfterOf(response)),
                >= 300 when !call.AcceptRedirects => throw new ConnectorException(
                    $"{Prefix(request)}{call.Purpose} ({target}) answered {answer.Status} (a redirect); redirects are not followed.",
                    retryable: false, answer.Status),
                _ => answer,
            };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ConnectorException(
                $"{Prefix(request)}{call.Purpose} ({target}) did not answer within {timeout.TotalSeconds:0.###} s.", retryable: true);
        }
        catch (HttpRequestException ex) when (ex.InnerException is RefusedAddressException refused)
        {
            // Final: the address will not change its range by waiting. The setting to allow it is named, not the path.
            throw new ConnectorException(
                $"{Prefix(request)}{call.Purpose} ({target}): {refused.Message}; nothing was sent. Allow the network with "
                + $"Respond:Connectors:{request.ConnectorName}:{OutboundNetworks.AllowedNetworksSetting} if it is meant.", retryable: false);
        }
        catch (HttpRequestException ex)
        {
            // HttpRequestError names the failure without quoting the URL (whose path may be a secret).
            throw new ConnectorException(
                $"{Prefix(request)}could not reach {call.Purpose} ({target}): {ex.HttpRequestError}.", retryable: true);
        }
        catch (IOException)
        {
            throw new ConnectorException($"{Prefix(request)}the connection to {call.Purpose} ({target}) broke off.", retryable: true);
        }
    }

    public static bool IsRetryableStatus(int status) => status is 408 or 429 or >= 500;

    public void Dispose()
    {
        foreach (var client in clients.Values.Where(c => c.IsValueCreated))
        {
            client.Value.Dispose();
        }
    }

    private HttpClient ClientFor(OutboundNetworks networks) =>
        clients.GetOrAdd(networks.Key, _ => new Lazy<HttpClient>(() => Create(networks))).Value;

    private static HttpClient Create(OutboundNetworks networks) => new(new SocketsHttpHandler
    {
        // A redirect could lead off the configured host; the answer goes back to the caller instead.
        AllowAutoRedirect = false,
        UseCookies = false,
        // With a proxy, the proxy's address is the one connected to and checked; it must keep its own egress rules.
        UseProxy = true,
        AutomaticDecompression = System.Net.DecompressionMethods.All,
        ConnectTimeout = TimeSpan.FromSeconds(15),
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        // Resolve, vet and connect in one place, so the address checked is the address used (no DNS rebinding).
        ConnectCallback = async (context, ct) =>
        {
            var socket = await networks.ConnectAsync(context.DnsEndPoint.Host, context.DnsEndPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        },
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    private static string Prefix(ConnectorRequest request) => $"Connector '{request.ConnectorName}' {request.Operation}: ";

    private static void EnsureSameOrigin(ConnectorRequest request, OutboundCall call)
    {
        var target = call.Target;
        var allowed = call.AllowedOrigin;
        var same = target.IsAbsoluteUri
            && string.Equals(target.Scheme, allowed.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(target.IdnHost, allowed.IdnHost, StringComparison.OrdinalIgnoreCase)
            && target.Port == allowed.Port
            && target.UserInfo.Length == 0;
        if (!same)
        {
            throw new ConnectorException(
                $"{Prefix(request)}refused a request to a host that is not the connector's configured host ({allowed.Authority}).",
                retryable: false);
        }
    }

    private static HttpRequestMessage Compose(ConnectorRequest request, OutboundCall call)
    {
        var message = new HttpRequestMessage(call.Method, call.Target) { Content = call.Content };
        foreach (var (name, value) in call.Headers)
        {
            if (!message.Headers.TryAddWithoutValidation(name, value) && message.Content is not null)
            {
                message.Content.Headers.Remove(name);
                message.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        if (call.SendIdempotencyKey)
        {
            message.Headers.Remove("Idempotency-Key");
            message.Headers.TryAddWithoutValidation("Idempotency-Key", request.IdempotencyKey);
        }

        if (call.BearerToken is { } token)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return message;
    }

    private static async Task<OutboundResponse> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        var truncated = false;
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            var room = MaxResponseBytes - (int)buffer.Length;
            if (read > room)
            {
                buffer.Write(chunk, 0, room);
                truncated = true;
                break;
            }

            buffer.Write(chunk, 0, read);
        }

        var headers = response.Headers.Concat(response.Content.Headers)
            .Where(h => OutboundResponse.SafeHeaderNames.Contains(h.Key))
            .GroupBy(h => h.Key, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => string.Join(", ", g.SelectMany(h => h.Value)), StringComparer.OrdinalIgnoreCase);
        return new OutboundResponse((int)response.StatusCode, headers, response.Content.Headers.ContentType?.MediaType,
            buffer.ToArray(), truncated);
    }

    private static ConnectorException Failure(ConnectorRequest request, OutboundCall call, OutboundResponse answer, TimeSpan? retryAfter)
    {
        var reason = answer.ShortReason();
        var message = $"{Prefix(request)}{call.Purpose} ({call.Target.Authority}) answered {answer.Status}"
            + (reason.Length > 0 ? $": {reason}" : ".");
        return new ConnectorException(message, IsRetryableStatus(answer.Status), answer.Status) { RetryAfter = retryAfter };
    }

    private static TimeSpan? RetryAfterOf(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };
}
