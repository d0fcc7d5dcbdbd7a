using System.Web;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Respond.Server.Tests.Connectors;

/// <summary>A Microsoft identity platform token endpoint (client credentials) on a WireMock server.</summary>
public static class FakeTokenEndpoint
{
    public const string Tenant = "contoso-tenant";
    public const string ClientId = "11111111-2222-3333-4444-555555555555";
    public const string ClientSecret = "client-secret-0123456789abcdef";
    public const string Path = $"/{Tenant}/oauth2/v2.0/token";

    /// <summary>Answers each token request with a new token, <c>token-1</c>, <c>token-2</c>, …</summary>
    public static void Serve(WireMockServer server, int expiresInSeconds = 3599)
    {
        var issued = 0;
        server.Given(Request.Create().WithPath(Path).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json; charset=utf-8")
                .WithBody(_ => $$"""{"token_type":"Bearer","expires_in":{{expiresInSeconds}},"ext_expires_in":{{expiresInSeconds}},""" +
                    $$""" "access_token":"token-{{Interlocked.Increment(ref issued)}}"}"""));
    }

    public static Dictionary<string, string?> Settings(string connector, string kind, WireMockServer server) => new()
    {
        [$"Respond:Connectors:{connector}:Kind"] = kind,
        [$"Respond:Connectors:{connector}:BaseUrl"] = server.Url,
        [$"Respond:Connectors:{connector}:TenantId"] = Tenant,
        [$"Respond:Connectors:{connector}:ClientId"] = ClientId,
        [$"Respond:Connectors:{connector}:ClientSecret"] = ClientSecret,
        [$"Respond:Connectors:{connector}:TokenUrl"] = server.Url + Path,
    };

    public static IReadOnlyList<IRequestMessage> TokenRequests(this WireMockServer server) =>
        [.. server.Requests().Where(r => r.Path == Path)];

    public static IReadOnlyList<IRequestMessage> ApiRequests(this WireMockServer server) =>
        [.. server.Requests().Where(r => r.Path != Path)];

    /// <summary>The client-credentials form a token request carried.</summary>
    public static System.Collections.Specialized.NameValueCollection Form(this IRequestMessage request)
        => HttpUtility.ParseQueryString(request.Body ?? "");
}
