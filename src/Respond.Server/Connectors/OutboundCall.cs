using System.Text;
using System.Text.Json.Nodes;

namespace Respond.Server.Connectors;

/// <summary>
/// One HTTP request a connector wants sent. <see cref="AllowedOrigin"/> is the configured URL the target must
/// share scheme, host and port with; <see cref="OutboundHttp"/> refuses anything else before sending.
/// </summary>
public sealed record OutboundCall(HttpMethod Method, Uri Target, Uri AllowedOrigin)
{
    public HttpContent? Content { get; init; }

    public string? BearerToken { get; init; }

    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>False only for OAuth token requests, which are not the step's effect.</summary>
    public bool SendIdempotencyKey { get; init; } = true;

    /// <summary>What the message of a failure calls the target, e.g. "the token endpoint".</summary>
    public string Purpose { get; init; } = "the target";

    /// <summary>The http kind hands 3xx answers back to the playbook; for the others a redirect is a failure.</summary>
    public bool AcceptRedirects { get; init; }

    public static HttpContent Json(JsonNode? body) =>
        new StringContent(body?.ToJsonString() ?? "null", Encoding.UTF8, "application/json");
}
