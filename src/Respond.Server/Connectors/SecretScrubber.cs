using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;

namespace Respond.Server.Connectors;

/// <summary>
/// The last line of defence: removes a connector's configured secret values from whatever leaves it (outputs,
/// error messages, logs), in case a target echoes one back or a message quotes one.
/// </summary>
public sealed class SecretScrubber
{
    public const string Mask = "[redacted]";

    /// <summary>Setting names (any depth, case-insensitive) whose values are secrets, besides credential-like <c>Headers:*</c>.</summary>
    public static readonly IReadOnlySet<string> SecretKeys = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "Token", "ClientSecret", "Password", "WebhookUrl", "ApiKey", "Secret", "SigningSecret",
    };

    /// <summary>A setting holding a PostgreSQL connection string: its Password is a secret, the rest is not.</summary>
    public const string ConnectionStringKey = "ConnectionString";

    // Shorter values would mask ordinary words; secrets that short are not worth the name anyway.
    private const int MinimumLength = 4;

    private readonly string[] secrets;

    private SecretScrubber(IEnumerable<string> secrets) =>
        this.secrets = [.. secrets.Where(s => s.Length >= MinimumLength).Distinct(StringComparer.Ordinal).OrderByDescending(s => s.Length)];

    public static SecretScrubber For(IConfiguration settings)
    {
        var values = new List<string>();
        foreach (var (key, value) in settings.AsEnumerable(makePathsRelative: true))
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                continue;
            }

            var parts = key.Split(':');
            if (SecretKeys.Contains(parts[^1]) || (parts[0].Equals("Headers", StringComparison.OrdinalIgnoreCase) && IsCredentialHeader(parts[^1])))
            {
                values.Add(value.Trim());
                values.AddRange(UrlSecretParts(value.Trim()));
            }
            else if (parts[^1].Equals(ConnectionStringKey, StringComparison.OrdinalIgnoreCase))
            {
                values.AddRange(ConnectionStringSecrets(value.Trim()));
            }
        }

        return new SecretScrubber(values);
    }

    public string Scrub(string text)
    {
        foreach (var secret in secrets)
        {
            text = text.Replace(secret, Mask, StringComparison.Ordinal);
        }

        return text;
    }

    public JsonNode? Scrub(JsonNode? node) => node switch
    {
        null => null,
        JsonObject obj => ScrubObject(obj),
        JsonArray array => new JsonArray([.. array.Select(Scrub)]),
        JsonValue value when value.GetValueKind() == JsonValueKind.String => JsonValue.Create(Scrub(value.GetValue<string>())),
        _ => node.DeepClone(),
    };

    private JsonObject ScrubObject(JsonObject obj)
    {
        var scrubbed = new JsonObject();
        foreach (var (name, value) in obj)
        {
            // Two names that differ only in a secret would collide once masked: the first one stays.
            scrubbed.TryAdd(Scrub(name), Scrub(value));
        }

        return scrubbed;
    }

    private static readonly string[] CredentialHeaderWords = ["auth", "key", "token", "secret", "cookie", "signature", "password"];

    public static bool IsCredentialHeader(string name) =>
        CredentialHeaderWords.Any(word => name.Contains(word, StringComparison.OrdinalIgnoreCase));

    // A string Npgsql cannot read may still hold a password somewhere: then all of it is treated as secret.
    private static IEnumerable<string> ConnectionStringSecrets(string value)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(value);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException or OverflowException)
        {
            return [value];
        }

        return builder.Password is { Length: > 0 } password ? [password] : [];
    }

    // A webhook URL's secret is its path and query: a message quoting only those must be scrubbed too.
    private static IEnumerable<string> UrlSecretParts(string value)
    {
        if (Uri.TryCreate(value, UriKind.Absolute, out var url) && url.PathAndQuery.Length > 1)
        {
            yield return url.PathAndQuery;
            yield return url.AbsolutePath.Trim('/');
        }
    }
}
