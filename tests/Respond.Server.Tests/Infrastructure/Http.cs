using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Respond.Server.Tests.Infrastructure;

public static class Http
{
    public static async Task<JsonNode> JsonAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text.Length == 0 ? "null" : text) ?? new JsonObject();
    }

    public static async Task<JsonNode> ProblemAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.JsonAsync(expected);
    }

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string url, object? body, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body ?? new { }) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return client.SendAsync(request);
    }

    public static async Task<Guid> OpenIncidentAsync(this HttpClient client, string title = "Manual incident", string severity = "medium")
    {
        var node = await (await client.PostJsonAsync("/api/incidents", new { title, severity })).JsonAsync(HttpStatusCode.Created);
        return node["id"]!.GetValue<Guid>();
    }
}
