using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Respond.Server.Tests.Hostile;
using Respond.Server.Tests.Infrastructure;

namespace Respond.Server.Tests.Hosting;

/// <summary>
/// Issue 9, defect 7: a signed-in user's hostile query values and bodies are 4xx problem documents,
/// never a 500; and a problem is written whatever the Accept header asks for.
/// </summary>
public class HostileApiInputTests(RespondApp app) : IClassFixture<RespondApp>
{
    private static readonly string[] Values =
    [
        .. HostileValues.Query, "-2147483648", "0001-01-01T00:00:00%2B14:00", "9999-12-31T23:59:59-14:00", "NaN", "%2e%2e",
        new string('x', 10_000),
    ];

    public static TheoryData<string> Routes =>
    [
        "/api/incidents?page={v}", "/api/incidents?pageSize={v}", "/api/incidents?page={v}&pageSize=200", "/api/incidents?status={v}",
        "/api/incidents?severity={v}", "/api/incidents?assignee={v}", "/api/incidents?q={v}",
        "/api/incidents/{incident}?version={v}", "/api/incidents/{incident}?asOf={v}", "/api/incidents/{v}", "/api/incidents/{v}/timeline",
        "/api/metrics/soc?from={v}", "/api/metrics/soc?to={v}", "/api/metrics/soc?from={v}&to=2026-01-01T00:00:00Z",
        "/api/runs?page={v}", "/api/runs?pageSize={v}", "/api/runs?page={v}&pageSize=200", "/api/runs?status={v}", "/api/runs?incidentId={v}",
        "/api/runs?playbookId={v}", "/api/runs/{v}",
        "/api/approvals?page={v}", "/api/approvals?page={v}&pageSize=200", "/api/approvals?status={v}", "/api/approvals?incidentId={v}",
        "/api/playbooks?page={v}", "/api/playbooks?page={v}&pageSize=200", "/api/playbooks?trigger={v}", "/api/playbooks?q={v}",
        "/api/playbooks/{v}", "/api/playbooks/{v}/versions", "/api/playbooks/x/versions?page={v}&pageSize=200", "/api/playbooks/x/versions/{v}",
        "/api/connectors?kind={v}", "/api/session?x={v}",
    ];

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Hostile_query_values_are_problems_never_500(string route)
    {
        using var admin = app.As("admin");
        var incident = await admin.OpenIncidentAsync("hostile queries");
        var failures = new List<string>();
        // A NUL in the path never reaches the app: Kestrel refuses the request line (the in-memory client throws).
        foreach (var value in route.Split('?')[0].Contains("{v}", StringComparison.Ordinal)
            ? Values.Where(v => !v.Contains("%00", StringComparison.Ordinal)) : Values)
        {
            var url = route.Replace("{incident}", incident.ToString(), StringComparison.Ordinal).Replace("{v}", value, StringComparison.Ordinal);
            var response = await admin.GetAsync(url);
            var status = (int)response.StatusCode;
            if (status >= 500 || (status >= 400 && response.Content.Headers.ContentType?.MediaType != "application/problem+json"))
            {
                var body = await response.Content.ReadAsStringAsync();
                failures.Add($"{status} {response.Content.Headers.ContentType?.MediaType} for {url[..Math.Min(url.Length, 120)]}: " +
                    $"{body[..Math.Min(body.Length, 300)]}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task The_metrics_of_a_time_before_the_calendar_are_400()
    {
        using var viewer = app.As("viewer");
        await (await viewer.GetAsync("/api/metrics/soc?to=0001-01-01T00:00:00Z")).ProblemAsync(HttpStatusCode.BadRequest);
        await (await viewer.GetAsync("/api/metrics/soc?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z")).ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_page_past_any_offset_is_400()
    {
        using var viewer = app.As("viewer");
        var problem = await (await viewer.GetAsync("/api/incidents?page=2147483647&pageSize=200")).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("page", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("text/html")]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    [InlineData("image/png, text/*;q=0.5")]
    public async Task Without_credentials_any_accept_header_gets_a_401_problem(string accept)
    {
        foreach (var path in new[] { "/api/incidents", "/api/no-such-route", "/api/runs/00000000-0000-0000-0000-000000000001" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.TryAddWithoutValidation("Accept", accept);
            await (await app.Anonymous().SendAsync(request)).ProblemAsync(HttpStatusCode.Unauthorized);
        }
    }

    [Fact]
    public async Task A_wrong_role_with_an_html_accept_header_gets_a_403_problem()
    {
        using var viewer = app.As("viewer");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/incidents")
        {
            Content = new StringContent("{}", Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Accept", "text/html");
        await (await viewer.SendAsync(request)).ProblemAsync(HttpStatusCode.Forbidden);
    }

    public static TheoryData<string> CommandRoutes =>
    [
        "/api/incidents", "/api/incidents/{incident}/acknowledge", "/api/incidents/{incident}/comments", "/api/incidents/{incident}/assign",
        "/api/incidents/{incident}/severity", "/api/incidents/{incident}/observables", "/api/incidents/{incident}/contain",
        "/api/incidents/{incident}/recover", "/api/incidents/{incident}/close", "/api/incidents/{incident}/reopen",
    ];

    [Theory]
    [MemberData(nameof(CommandRoutes))]
    public async Task Incident_command_bodies_are_capped_typed_and_checked(string route)
    {
        using var responder = app.As("responder");
        var url = route.Replace("{incident}", (await responder.OpenIncidentAsync("bodies")).ToString(), StringComparison.Ordinal);

        async Task<HttpResponseMessage> PostAsync(HttpContent content) => await responder.PostAsync(url, content);

        var huge = new StringContent($$"""{"text":"{{new string('x', 1024 * 1024)}}","title":"t"}""", Encoding.UTF8, "application/json");
        await (await PostAsync(huge)).ProblemAsync(HttpStatusCode.RequestEntityTooLarge);

        var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes($$"""{"text":"{{new string('x', 1024 * 1024)}}"}""")));
        chunked.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using (var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = chunked })
        {
            request.Headers.TransferEncodingChunked = true;
            await (await responder.SendAsync(request)).ProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        }

        await (await PostAsync(new StringContent("""{"title":"x"}""", Encoding.UTF8,
            "text/plain"))).ProblemAsync(HttpStatusCode.UnsupportedMediaType);
        await (await PostAsync(new StringContent("<xml/>", Encoding.UTF8, "application/xml"))).ProblemAsync(HttpStatusCode.UnsupportedMediaType);
        await (await PostAsync(new StringContent("{\"title\":", Encoding.UTF8, "application/json"))).ProblemAsync(HttpStatusCode.BadRequest);
        var wrongTypes =
            """{"title":42,"text":[1],"severity":"nope","assignee":{},"type":1,"value":true,"summary":[],"reason":{},"classification":"x"}""";
        var noFields = route.EndsWith("/acknowledge", StringComparison.Ordinal); // its body has no fields to get wrong
        foreach (var wrong in new[] { "[]", "\"text\"", "42", noFields ? "null" : wrongTypes, "{\"a\":" + new string('[', 100) })
        {
            var response = await PostAsync(new StringContent(wrong, Encoding.UTF8, "application/json"));
            Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Conflict || (noFields && wrong == "null"),
                $"{wrong[..Math.Min(20, wrong.Length)]} → {(int)response.StatusCode}");
        }
    }
}

/// <summary>The other routes that take a body: hostile bodies and content types are 4xx problems, never a 500.</summary>
public class HostileApiBodyTests(RespondApp app) : IClassFixture<RespondApp>
{
    private static readonly (string Body, string ContentType)[] Bodies =
    [
        ("", "application/json"), ("{", "application/json"), ("[]", "application/json"), ("42", "application/json"), ("null", "application/json"),
        ("\"x\"", "application/json"), ("{\"a\":\"\\u0000\"}", "application/json"), ("{\"comment\":\"\\ud800\"}", "application/json"),
        ("{\"playbookId\":42,\"vars\":[1],\"apiKey\":{},\"comment\":[],\"id\":\"x\",\"steps\":\"no\"}", "application/json"),
        ("{\"playbookId\":\"" + new string('p', 5000) + "\",\"apiKey\":\"\\u0000\"}", "application/json"),
        (new string('[', 5000), "application/json"), ("\ufeff{}", "application/json"), ("{\"a\":1,\"a\":2}", "application/json"),
        ("{}", "text/plain"), ("<x/>", "application/xml"), ("{}", "application/x-www-form-urlencoded"), ("{}", "multipart/form-data; boundary=x"),
    ];

    public static TheoryData<string, string> Routes =>
    new()
    {
        { "POST", "/api/session" }, { "POST", "/api/incidents/{incident}/runs" }, { "POST", "/api/approvals/{guid}/approve" },
        { "POST", "/api/approvals/{guid}/reject" }, { "POST", "/api/runs/{guid}/cancel" }, { "POST", "/api/runs/{guid}/retry" },
        { "POST", "/api/playbooks/validate" }, { "PUT", "/api/playbooks/hostile" }, { "POST", "/api/playbooks/hostile/publish" },
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Hostile_bodies_are_problems_never_500(string method, string route)
    {
        using var admin = app.As("admin");
        var url = route.Replace("{incident}", (await admin.OpenIncidentAsync("hostile bodies")).ToString(), StringComparison.Ordinal)
            .Replace("{guid}", Guid.NewGuid().ToString(), StringComparison.Ordinal);
        var failures = new List<string>();
        foreach (var (body, contentType) in Bodies)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), url) { Content = new StringContent(body, Encoding.UTF8) };
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            var response = await admin.SendAsync(request);
            var status = (int)response.StatusCode;
            if (status >= 500 || (status >= 400 && response.Content.Headers.ContentType?.MediaType != "application/problem+json"))
            {
                var text = await response.Content.ReadAsStringAsync();
                failures.Add($"{status} {response.Content.Headers.ContentType?.MediaType} for {body[..Math.Min(body.Length, 40)]} ({contentType}): " +
                             text[..Math.Min(text.Length, 300)]);
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
