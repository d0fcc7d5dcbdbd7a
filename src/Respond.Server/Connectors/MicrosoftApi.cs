using System.Text.Json.Nodes;

namespace Respond.Server.Connectors;

/// <summary>
/// A Microsoft cloud API (Defender for Endpoint, Graph, ARM) called with an app's client-credentials token.
/// Settings: <c>BaseUrl</c>, <c>TenantId</c>, <c>ClientId</c>, <c>ClientSecret</c>, and optionally <c>TokenUrl</c>
/// and <c>Scope</c>; the base URL and scope default to the real service, and can point at a site's own endpoint.
/// </summary>
public sealed class MicrosoftApi(OutboundHttp http, OAuthTokens tokens)
{
    public Task<OutboundResponse> SendAsync(ConnectorRequest request, MicrosoftService service, HttpMethod method,
        string relativePath, JsonNode? body, CancellationToken cancellationToken) =>
        SendAsync(request, service, method, UrlPaths.Combine(BaseUrlOf(request, service), relativePath), body, cancellationToken);

    /// <summary>
    /// A URL the API itself handed back (an operation to poll, a next page): sent like any other call, so a URL
    /// off the configured <c>BaseUrl</c>'s origin is refused before anything is sent.
    /// </summary>
    public async Task<OutboundResponse> SendAsync(ConnectorRequest request, MicrosoftService service, HttpMethod method,
        Uri target, JsonNode? body, CancellationToken cancellationToken)
    {
        var baseUrl = BaseUrlOf(request, service);
        var client = ClientOf(request, service);
        var token = await tokens.GetAsync(request, client, cancellationToken);
        var call = new OutboundCall(method, target, baseUrl)
        {
            Content = body is null ? null : OutboundCall.Json(body),
            BearerToken = token,
            Purpose = service.Name,
        };
        try
        {
            return await http.SendAsync(request, call, cancellationToken);
        }
        catch (ConnectorException ex) when (ex.StatusCode == 401)
        {
            tokens.Forget(client, token);
            throw;
        }
    }

    public static Uri BaseUrlOf(ConnectorRequest request, MicrosoftService service) => request.UrlSetting("BaseUrl", service.DefaultBaseUrl);

    private static OAuthClient ClientOf(ConnectorRequest request, MicrosoftService service)
    {
        var tokenUrl = request.OptionalSetting("TokenUrl") is null
            ? request.UrlSetting("TokenUrl",
                $"https://login.microsoftonline.com/{Uri.EscapeDataString(request.Setting("TenantId"))}/oauth2/v2.0/token")
            : request.UrlSetting("TokenUrl");
        return new OAuthClient(tokenUrl, request.Setting("ClientId"), request.Setting("ClientSecret"),
            request.OptionalSetting("Scope") ?? service.DefaultScope);
    }
}

/// <summary>What differs between the Microsoft APIs: the name in messages, the default base URL and token scope.</summary>
public sealed record MicrosoftService(string Name, string DefaultBaseUrl, string DefaultScope)
{
    public static readonly MicrosoftService DefenderForEndpoint =
        new("Defender for Endpoint", "https://api.securitycenter.microsoft.com", "https://api.securitycenter.microsoft.com/.default");

    public static readonly MicrosoftService Graph =
        new("Microsoft Graph", "https://graph.microsoft.com", "https://graph.microsoft.com/.default");

    public static readonly MicrosoftService ResourceManager =
        new("Azure Resource Manager", "https://management.azure.com", "https://management.azure.com/.default");
}
