namespace Respond.Server.Connectors;

/// <summary>
/// Reads a connector's settings (<c>Respond:Connectors:{name}:…</c>). Messages name the key, never its value:
/// several of these values are secrets.
/// </summary>
public static class ConnectorSettings
{
    public static string Setting(this ConnectorRequest request, string key) =>
        request.OptionalSetting(key)
        ?? throw new ConnectorException(
            $"Connector '{request.ConnectorName}' is missing the setting Respond:Connectors:{request.ConnectorName}:{key}.", retryable: false);

    public static string? OptionalSetting(this ConnectorRequest request, string key) =>
        request.Settings[key] is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    /// <summary>An absolute http(s) URL without user info (credentials belong in their own settings).</summary>
    public static Uri UrlSetting(this ConnectorRequest request, string key, string? fallback = null)
    {
        var text = request.OptionalSetting(key) ?? fallback ?? request.Setting(key);
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp)
            || url.UserInfo.Length > 0)
        {
            throw new ConnectorException(
                $"Connector '{request.ConnectorName}': the setting {key} is not an absolute http(s) URL without user info.", retryable: false);
        }

        return url;
    }

    public static int IntegerSetting(this ConnectorRequest request, string key, int fallback) => request.OptionalSetting(key) switch
    {
        null => fallback,
        var text when int.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var value) => value,
        _ => throw new ConnectorException($"Connector '{request.ConnectorName}': the setting {key} is not a whole number.", retryable: false),
    };
}
