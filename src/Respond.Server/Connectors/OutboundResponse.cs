using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Respond.Server.Connectors;

/// <summary>An answer, its body read up to <see cref="OutboundHttp.MaxResponseBytes"/>, with only the headers safe to show.</summary>
public sealed record OutboundResponse(int Status, IReadOnlyDictionary<string, string> Headers, string? MediaType, byte[] Body, bool Truncated)
{
    /// <summary>Response headers a playbook may see: none of them carries a credential.</summary>
    public static readonly IReadOnlySet<string> SafeHeaderNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "Content-Type", "Content-Length", "Content-Language", "ETag", "Last-Modified", "Location", "Retry-After", "Date",
        "X-Request-Id", "Request-Id", "X-Correlation-Id", "x-ms-request-id", "client-request-id", "Azure-AsyncOperation",
    };

    /// <summary>The body as text; a NUL becomes U+FFFD, since step outputs are stored in jsonb (invalid UTF-8 already does).</summary>
    public string Text => Encoding.UTF8.GetString(Body).Replace('\0', '\uFFFD');

    /// <summary>Labelled JSON, or unlabelled and looking like a JSON object or array.</summary>
    public bool IsJson => MediaType is { } type
        ? type.Equals("application/json", StringComparison.OrdinalIgnoreCase) || type.EndsWith("+json", StringComparison.OrdinalIgnoreCase)
        : Text.TrimStart() is ['{' or '[', ..];

    /// <summary>The body as JSON when it says it is JSON and parses, else as text (truncated when it was).</summary>
    public JsonNode? JsonOrText()
    {
        if (Body.Length == 0)
        {
            return null;
        }

        if (IsJson && !Truncated)
        {
            try
            {
                // Like request bodies: NUL and lone surrogate escapes become U+FFFD, or the output could not be stored.
                var json = Body.ToArray();
                Hosting.RequestBodies.ReplaceUnstorableEscapes(json);
                return JsonNode.Parse(json);
            }
            catch (JsonException)
            {
                // Mislabelled as JSON: hand it back as the text it is.
            }
        }

        return JsonValue.Create(Text);
    }

    public JsonObject HeadersObject() => new(Headers.Select(h => KeyValuePair.Create(h.Key.ToLowerInvariant(), (JsonNode?)h.Value)));

    /// <summary>The API's JSON answer as a step's output, or <c>{ status }</c> when it sent none.</summary>
    public JsonNode ApiOutput() => JsonOrText() is JsonObject answer ? answer : new JsonObject { ["status"] = Status };

    /// <summary>A short, one-line reason from a JSON error body (<c>error.message</c>, OAuth's <c>error_description</c>, …) or the text.</summary>
    public string ShortReason()
    {
        var reason = JsonOrText() switch
        {
            JsonObject obj => ErrorOf(obj),
            JsonValue text when text.GetValueKind() == JsonValueKind.String => text.GetValue<string>(),
            _ => null,
        };
        if (string.IsNullOrWhiteSpace(reason))
        {
            return "";
        }

        var line = reason.ReplaceLineEndings(" ").Trim();
        return line.Length <= 200 ? line : line[..200] + "…";
    }

    private static string? ErrorOf(JsonObject body)
    {
        static string? Text(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

        if (body["error"] is JsonObject error)
        {
            return string.Join(": ", new[] { Text(error["code"]), Text(error["message"]) }.Where(s => !string.IsNullOrEmpty(s)));
        }

        if (Text(body["error"]) is { } code)
        {
            return Text(body["error_description"]) is { } description ? $"{code}: {description}" : code;
        }

        return Text(body["message"]) ?? Text(body["detail"]) ?? Text(body["title"]);
    }
}
