using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using static Respond.Server.Connectors.InputSchema;

namespace Respond.Server.Connectors.Kinds;

/// <summary>
/// <c>http</c>: one request to a path under <c>BaseUrl</c>, with the optional <c>Token</c> as a bearer and
/// <c>Headers:{name}</c> on every request. Answers <c>{ status, headers, body, truncated }</c>.
/// </summary>
public sealed class HttpConnector(OutboundHttp http) : IConnectorKind, IChecksInput
{
    // Framing and identity stay with Respond: a playbook cannot re-point Host, smuggle a body length, replace
    // the idempotency key, or carry credentials (playbooks are stored in events; credentials go in settings).
    // Metadata is what cloud metadata services (Azure IMDS) require, so a request with it can only be aimed at one.
    private static readonly HashSet<string> ReservedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Content-Length", "Transfer-Encoding", "Connection", "Upgrade", "Expect", "TE", "Trailer",
        "Keep-Alive", "Proxy-Authorization", "Proxy-Connection", "Idempotency-Key", "Authorization", "Cookie", "Metadata",
    };

    private static readonly string[] Methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

    public string Kind => "http";

    public IReadOnlyList<ConnectorOperation> Operations { get; } =
    [
        new("request", "Send one HTTP request to a path under the connector's BaseUrl.", Object(["path"],
            ("method", Enum("HTTP method; GET when omitted.", Methods)),
            ("path", String("Path (and query) relative to BaseUrl, e.g. /tickets?state=open.", minLength: 0)),
            ("headers", StringMap("Extra request headers.")),
            ("body", Any("Request body: objects and arrays are sent as JSON, strings as text.")))),
    ];

    public async Task<JsonNode?> ExecuteAsync(ConnectorRequest request, CancellationToken cancellationToken)
    {
        var baseUrl = request.UrlSetting("BaseUrl");
        var target = UrlPaths.Resolve(request, baseUrl, request.OptionalString("path") ?? "");
        var method = new HttpMethod((request.OptionalString("method") ?? "GET").ToUpperInvariant());
        var call = new OutboundCall(method, target, baseUrl)
        {
            Content = BodyOf(request.Input["body"]),
            Headers = HeadersOf(request),
            BearerToken = request.OptionalSetting("Token"),
            AcceptRedirects = true,
        };
        var answer = await http.SendAsync(request, call, cancellationToken);
        return new JsonObject
        {
            ["status"] = answer.Status,
            ["headers"] = answer.HeadersObject(),
            ["body"] = answer.JsonOrText(),
            ["truncated"] = answer.Truncated,
        };
    }

    private static HttpContent? BodyOf(JsonNode? body) => body switch
    {
        null => null,
        JsonValue text when text.GetValueKind() == JsonValueKind.String => new StringContent(text.GetValue<string>(), Encoding.UTF8, "text/plain"),
        _ => OutboundCall.Json(body),
    };

    private static Dictionary<string, string> HeadersOf(ConnectorRequest request)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (request.Input["headers"] is JsonObject given)
        {
            foreach (var (name, value) in given)
            {
                var text = value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : value?.ToJsonString() ?? "";
                if (ReservedHeaders.Contains(name) || !IsToken(name) || text.Any(c => c is '\r' or '\n' or '\0'))
                {
                    throw InputValues.Refused(request, $"input.headers may not set '{name}'.");
                }

                headers[name] = text;
            }
        }

        // Configured headers win over a playbook's.
        foreach (var header in request.Settings.GetSection("Headers").GetChildren())
        {
            if (header.Value is { } value)
            {
                headers[header.Key] = value;
            }
        }

        return headers;
    }

    /// <summary>Header names are written in the playbook, so a refused one is refused when it is saved, not when it runs.</summary>
    public IReadOnlyList<string> CheckInput(string operation, JsonObject input) => input["headers"] is JsonObject given
        ? [.. given.Select(h => h.Key).Where(name => ReservedHeaders.Contains(name) || !IsToken(name))
            .Select(name => $"input.headers may not set '{name}'.")]
        : [];

    private static bool IsToken(string name) =>
        name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal));
}
