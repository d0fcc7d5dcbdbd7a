using System.Net;
using System.Net.Http.Json;
using Respond.Server.Tests.Infrastructure;

namespace Respond.Server.Tests.Auth;

/// <summary>Every route group: 401 without credentials, 403 with a role below the one it needs, through with it.</summary>
public class RoleMatrixTests(RespondApp app) : IClassFixture<RespondApp>
{
    private static readonly string AnyId = Guid.NewGuid().ToString();

    public static TheoryData<string, string, string, string> Routes => new()
    {
        // method, path, role that is enough, role that is not
        { "GET", "/api/incidents", "viewer", "norole" },
        { "GET", $"/api/incidents/{AnyId}", "viewer", "norole" },
        { "GET", $"/api/incidents/{AnyId}/timeline", "viewer", "norole" },
        { "GET", "/api/metrics/soc", "viewer", "norole" },
        { "GET", "/api/metrics/soc/trend", "viewer", "norole" },
        { "GET", "/api/session", "viewer", "norole" },
        { "GET", "/api/events", "viewer", "norole" },
        { "POST", "/api/incidents", "responder", "viewer" },
        { "POST", $"/api/incidents/{AnyId}/acknowledge", "responder", "viewer" },
        { "POST", $"/api/incidents/{AnyId}/assign", "responder", "approver" },
        { "POST", $"/api/incidents/{AnyId}/severity", "responder", "author" },
        { "POST", $"/api/incidents/{AnyId}/comments", "responder", "viewer" },
        { "POST", $"/api/incidents/{AnyId}/observables", "responder", "viewer" },
        { "POST", $"/api/incidents/{AnyId}/contain", "responder", "viewer" },
        { "POST", $"/api/incidents/{AnyId}/recover", "responder", "viewer" },
        { "POST", $"/api/incidents/{AnyId}/close", "responder", "viewer" },
        { "POST", $"/api/incidents/{AnyId}/reopen", "responder", "viewer" },
        { "GET", "/api/playbooks", "viewer", "norole" },
        { "GET", "/api/playbooks/schema", "viewer", "norole" },
        { "GET", "/api/playbooks/some-playbook", "viewer", "norole" },
        { "GET", "/api/playbooks/some-playbook/versions", "viewer", "norole" },
        { "PUT", "/api/playbooks/some-playbook", "author", "responder" },
        { "POST", "/api/playbooks/some-playbook/publish", "author", "approver" },
        { "POST", "/api/playbooks/validate", "author", "responder" },
        { "GET", "/api/connectors", "viewer", "norole" },
        { "POST", $"/api/incidents/{AnyId}/runs", "responder", "approver" },
        { "GET", "/api/runs", "viewer", "norole" },
        { "GET", $"/api/runs/{AnyId}", "viewer", "norole" },
        { "POST", $"/api/runs/{AnyId}/cancel", "responder", "viewer" },
        { "POST", $"/api/runs/{AnyId}/retry", "responder", "author" },
        { "GET", "/api/approvals?status=pending", "viewer", "norole" },
        { "POST", $"/api/approvals/{AnyId}/approve", "approver", "responder" },
        { "POST", $"/api/approvals/{AnyId}/reject", "approver", "author" },
        { "GET", "/api/runbooks", "viewer", "norole" },
        { "GET", "/api/runbooks/some-runbook/runs", "viewer", "norole" },
        { "POST", "/api/runbooks/some-runbook/trigger", "responder", "viewer" },
        { "GET", "/api/sources", "viewer", "norole" },
        { "POST", "/api/sources", "admin", "author" },
        { "POST", "/api/sources/some-source/rotate", "admin", "responder" },
        { "DELETE", "/api/sources/some-source", "admin", "approver" },
        { "POST", "/api/sources/some-source/test", "admin", "responder" },
        { "GET", "/hangfire", "admin", "responder" },
        { "GET", "/api/no-such-route", "viewer", "norole" },
    };

    private static HttpRequestMessage Request(string method, string path) =>
        new(new HttpMethod(method), path) { Content = method == "GET" ? null : JsonContent.Create(new { }) };

    /// <summary>
    /// Sends without waiting for the body: <c>/api/events</c> answers a stream that never ends. A refusal's problem body
    /// is still read in full by <see cref="Http.ProblemAsync"/>; a stream let through is cut off by disposing it.
    /// </summary>
    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string path) =>
        client.SendAsync(Request(method, path), HttpCompletionOption.ResponseHeadersRead);

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Without_credentials_is_401(string method, string path, string enough, string notEnough)
    {
        _ = (enough, notEnough);
        using var response = await SendAsync(app.Anonymous(), method, path);
        await response.ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task With_a_wrong_api_key_is_401(string method, string path, string enough, string notEnough)
    {
        _ = (enough, notEnough);
        var client = app.Anonymous();
        client.DefaultRequestHeaders.Authorization = new("Bearer", "not-a-key-of-anyone-0123456789");
        using var response = await SendAsync(client, method, path);
        await response.ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task With_too_small_a_role_is_403(string method, string path, string enough, string notEnough)
    {
        _ = enough;
        using var response = await SendAsync(app.As(notEnough), method, path);
        await response.ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task With_the_role_or_admin_gets_through(string method, string path, string enough, string notEnough)
    {
        _ = notEnough;
        foreach (var user in new[] { enough, "admin" })
        {
            using var response = await SendAsync(app.As(user), method, path);
            Assert.NotEqual(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.NotEqual(HttpStatusCode.Forbidden, response.StatusCode);
        }
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    [InlineData("/openapi/v1.json")]
    [InlineData("/")]
    [InlineData("/sign-in")]
    [InlineData("/api/session/providers")]
    [InlineData("/incidents")]
    [InlineData("/metrics")]
    public async Task Public_routes_need_no_credentials(string path) =>
        Assert.Equal(HttpStatusCode.OK, (await app.Anonymous().GetAsync(path)).StatusCode);
}
