using System.Net.Http.Headers;
using System.Text;

namespace Respond.Server.Tests.Infrastructure;

/// <summary>Real-format alert samples (tests/Respond.Domain.Tests/Samples) and ways to deliver them.</summary>
public static class Samples
{
    public static string Read(string relativePath) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Samples", relativePath));

    public static HttpRequestMessage Delivery(string source, string body, string? token = TestUsers.SourceToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/webhooks/{source}")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return request;
    }

    public static string Generic(string id, string title = "Suspicious sign-in", string severity = "high", string status = "firing",
        string ip = "203.0.113.9") =>
        $$"""{"id":"{{id}}","title":"{{title}}","severity":"{{severity}}","status":"{{status}}","category":"SignIn","entities":""" +
        $$"""[{"ip":"{{ip}}","host":"web-01"}]}""";
}
