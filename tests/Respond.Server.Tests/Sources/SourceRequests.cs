using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Respond.Server.Alerts;
using Respond.Server.Tests.Infrastructure;

namespace Respond.Server.Tests.Sources;

/// <summary>Adding sources and delivering to them, as the tests of console sources do it.</summary>
internal static class SourceRequests
{
    public static readonly object Mapping = new
    {
        title = "$.title",
        severity = "$.severity",
        fingerprint = "$.id",
        status = "$.status",
        entities = new { ips = "$.entities[*].ip", hosts = "$.entities[*].host" },
    };

    public static async Task<JsonNode> AddAsync(HttpClient admin, string name, string auth = "token", string kind = "generic")
    {
        var response = await admin.PostJsonAsync("/api/sources", new { name, kind, auth, mapping = kind == "generic" ? Mapping : null });
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        return await response.JsonAsync(HttpStatusCode.Created);
    }

    public static Task<HttpResponseMessage> DeliverAsync(HttpClient client, string source, string token, string id) =>
        client.SendAsync(Samples.Delivery(source, Samples.Generic(id), token));

    public static Task<HttpResponseMessage> DeliverSignedAsync(HttpClient client, string source, string secret, string id)
    {
        var body = Samples.Generic(id);
        var request = Samples.Delivery(source, body, token: null);
        request.Headers.Add(SourceAuthenticator.SignatureHeader,
            SourceAuthenticator.Sign(secret, Encoding.UTF8.GetBytes(body), DateTimeOffset.UtcNow));
        return client.SendAsync(request);
    }
}
