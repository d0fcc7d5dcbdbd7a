using System.Diagnostics;
using System.Text.Json.Nodes;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Respond.Server.Tests.Connectors;

public sealed class HttpConnectorTests : IDisposable
{
    private const string Token = "http-token-0123456789abcdef";
    private const string ApiKey = "x-api-key-0123456789abcdef";

    private readonly WireMockServer target = WireMockServer.Start();
    private readonly WireMockServer elsewhere = WireMockServer.Start();
    private readonly ConnectorHarness harness;

    public HttpConnectorTests() => harness = new ConnectorHarness(new Dictionary<string, string?>
    {
        ["Respond:Connectors:itsm:Kind"] = "http",
        ["Respond:Connectors:itsm:BaseUrl"] = target.Url + "/api",
        ["Respond:Connectors:itsm:Token"] = Token,
        ["Respond:Connectors:itsm:Headers:X-Tenant"] = "acme",
        ["Respond:Connectors:itsm:Headers:X-Api-Key"] = ApiKey,
    });

    [Fact]
    public async Task A_request_goes_under_BaseUrl_with_the_idempotency_key_the_bearer_token_and_the_configured_headers()
    {
        target.Given(Request.Create().WithPath("/api/tickets").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("X-Request-Id", "req-7").WithHeader("Set-Cookie", "session=abc")
                .WithBodyAsJson(new { id = 7, state = "new" }));

        var output = await harness.InvokeAsync("itsm", "request", new
        {
            method = "POST",
            path = "/tickets?priority=high",
            headers = new Dictionary<string, string> { ["X-Trace"] = "trace-1" },
            body = new { title = "Ransomware on fs-02", severity = "high" },
        });

        var sent = Assert.Single(target.Requests());
        Assert.Equal("POST", sent.Method);
        Assert.Equal("/api/tickets", sent.Path);
        Assert.Equal("high", sent.Query!["priority"].Single());
        Assert.Equal(ConnectorHarness.Key, sent.Header("Idempotency-Key"));
        Assert.Equal($"Bearer {Token}", sent.Header("Authorization"));
        Assert.Equal("acme", sent.Header("X-Tenant"));
        Assert.Equal(ApiKey, sent.Header("X-Api-Key"));
        Assert.Equal("trace-1", sent.Header("X-Trace"));
        Assert.StartsWith("application/json", sent.Header("Content-Type"), StringComparison.Ordinal);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"title":"Ransomware on fs-02","severity":"high"}"""), sent.JsonBody()));

        Assert.Equal(201, output!["status"]!.GetValue<int>());
        Assert.Equal(7, output["body"]!["id"]!.GetValue<int>());
        Assert.Equal("req-7", output["headers"]!["x-request-id"]!.GetValue<string>());
        Assert.Null(output["headers"]!["set-cookie"]);
        harness.AssertNowhere([Token, ApiKey], output.ToJsonString());
    }

    [Fact]
    public async Task A_text_answer_comes_back_as_text_and_GET_is_the_default_method()
    {
        target.Given(Request.Create().WithPath("/api/ping").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "text/plain").WithBody("pong"));

        var output = await harness.InvokeAsync("itsm", "request", new { path = "ping" });

        Assert.Equal("pong", output!["body"]!.GetValue<string>());
        Assert.Equal("GET", Assert.Single(target.Requests()).Method);
    }

    [Theory]
    [InlineData("http://evil.example/steal")]
    [InlineData("https://evil.example/steal")]
    [InlineData("//evil.example/steal")]
    [InlineData("/%2F%2Fevil.example/steal")]
    [InlineData("/../admin")]
    [InlineData("../../etc/passwd")]
    [InlineData("/tickets/../../admin")]
    [InlineData("/%2e%2e/admin")]
    [InlineData("/tickets\\..\\..\\admin")]
    [InlineData("/@evil.example/steal")]
    [InlineData("javascript:alert(1)")]
    [InlineData("/tickets\r\nHost: evil.example")]
    public async Task A_path_that_leaves_BaseUrl_is_refused_and_nothing_is_sent(string path)
    {
        var failure = await harness.FailsAsync("itsm", "request", new { path });

        Assert.False(failure.Retryable);
        Assert.Contains("path", failure.Message, StringComparison.Ordinal);
        Assert.Empty(target.Requests());
        Assert.Empty(elsewhere.Requests());
    }

    [Fact]
    public async Task A_path_to_another_host_on_the_same_machine_is_refused()
    {
        var failure = await harness.FailsAsync("itsm", "request", new { path = elsewhere.Url + "/steal" });

        Assert.False(failure.Retryable);
        Assert.Empty(elsewhere.Requests());
        Assert.Empty(target.Requests());
    }

    [Fact]
    public async Task Dot_segments_inside_BaseUrl_resolve_there()
    {
        target.Given(Request.Create().WithPath("/api/tickets/7").UsingGet()).RespondWith(Response.Create().WithStatusCode(200));

        var output = await harness.InvokeAsync("itsm", "request", new { path = "/queues/../tickets/./7" });

        Assert.Equal(200, output!["status"]!.GetValue<int>());
        Assert.Equal("/api/tickets/7", Assert.Single(target.Requests()).Path);
    }

    [Theory]
    [InlineData("Host")]
    [InlineData("Authorization")]
    [InlineData("Idempotency-Key")]
    [InlineData("Content-Length")]
    public async Task A_playbook_cannot_set_framing_identity_or_credential_headers(string header)
    {
        var failure = await harness.FailsAsync("itsm", "request", new
        {
            path = "/tickets",
            headers = new Dictionary<string, string> { [header] = "evil.example" },
        });

        Assert.False(failure.Retryable);
        Assert.Empty(target.Requests());
    }

    [Fact]
    public async Task A_redirect_is_handed_back_and_not_followed()
    {
        target.Given(Request.Create().WithPath("/api/moved").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(302).WithHeader("Location", elsewhere.Url + "/landing"));

        var output = await harness.InvokeAsync("itsm", "request", new { path = "/moved" });

        Assert.Equal(302, output!["status"]!.GetValue<int>());
        Assert.Equal(elsewhere.Url + "/landing", output["headers"]!["location"]!.GetValue<string>());
        Assert.Empty(elsewhere.Requests());
    }

    [Theory]
    [InlineData(503, true)]
    [InlineData(500, true)]
    [InlineData(502, true)]
    [InlineData(429, true)]
    [InlineData(408, true)]
    [InlineData(400, false)]
    [InlineData(401, false)]
    [InlineData(404, false)]
    [InlineData(409, false)]
    public async Task Failures_are_retryable_only_for_408_429_and_5xx(int status, bool retryable)
    {
        target.Given(Request.Create().WithPath("/api/tickets").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(status)
                .WithBodyAsJson(new { error = new { code = "Oops", message = $"Echoing your key {ApiKey} back" } }));

        var failure = await harness.FailsAsync("itsm", "request", new { method = "POST", path = "/tickets", body = new { } });

        Assert.Equal(retryable, failure.Retryable);
        Assert.Equal(status, failure.StatusCode);
        Assert.Contains(status.ToString(System.Globalization.CultureInfo.InvariantCulture), failure.Message, StringComparison.Ordinal);
        Assert.Contains("Oops", failure.Message, StringComparison.Ordinal);
        harness.AssertNowhere([Token, ApiKey], failure.Message, failure.ToString());
    }

    [Fact]
    public async Task Retry_After_of_a_429_is_passed_on()
    {
        target.Given(Request.Create().WithPath("/api/busy").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "12"));

        var failure = await harness.FailsAsync("itsm", "request", new { path = "/busy" });

        Assert.True(failure.Retryable);
        Assert.Equal(TimeSpan.FromSeconds(12), failure.RetryAfter);
    }

    [Fact]
    public async Task A_target_slower_than_the_timeout_is_a_retryable_failure()
    {
        target.Given(Request.Create().WithPath("/api/slow").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromSeconds(5)));
        var clock = Stopwatch.StartNew();

        var failure = await harness.FailsAsync("itsm", "request", new { path = "/slow" }, timeout: TimeSpan.FromMilliseconds(300));

        Assert.True(failure.Retryable);
        Assert.Contains("within 0.3 s", failure.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task A_target_that_refuses_connections_is_a_retryable_failure()
    {
        using var closed = new ConnectorHarness(new Dictionary<string, string?>
        {
            ["Respond:Connectors:down:Kind"] = "http",
            ["Respond:Connectors:down:BaseUrl"] = $"http://127.0.0.1:{ConnectorHarness.ClosedPort()}",
        });

        var failure = await closed.FailsAsync("down", "request", new { path = "/" });

        Assert.True(failure.Retryable);
        Assert.Null(failure.StatusCode);
    }

    [Fact]
    public async Task A_large_answer_is_cut_at_256_KiB()
    {
        target.Given(Request.Create().WithPath("/api/big").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "text/plain").WithBody(new string('x', 400 * 1024)));

        var output = await harness.InvokeAsync("itsm", "request", new { path = "/big" });

        Assert.True(output!["truncated"]!.GetValue<bool>());
        Assert.Equal(256 * 1024, output["body"]!.GetValue<string>().Length);
    }

    [Fact]
    public async Task A_secret_the_target_echoes_is_scrubbed_from_the_output()
    {
        target.Given(Request.Create().WithPath("/api/echo").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody(request => $$"""{"authorization":"{{request.Headers!["Authorization"].Single()}}","key":"{{ApiKey}}"}"""));

        var output = await harness.InvokeAsync("itsm", "request", new { path = "/echo" });

        Assert.Equal("Bearer [redacted]", output!["body"]!["authorization"]!.GetValue<string>());
        harness.AssertNowhere([Token, ApiKey], output.ToJsonString());
    }

    [Fact]
    public async Task A_rotated_secret_is_scrubbed_once_the_configuration_reloads()
    {
        const string rotated = "http-token-rotated-9876543210";
        target.Given(Request.Create().WithPath("/api/echo").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody(request => $$"""{"authorization":"{{request.Headers!["Authorization"].Single()}}"}"""));
        await harness.InvokeAsync("itsm", "request", new { path = "/echo" });

        harness.Configuration["Respond:Connectors:itsm:Token"] = rotated;
        harness.Configuration.Reload();
        var output = await harness.InvokeAsync("itsm", "request", new { path = "/echo" });

        Assert.Equal("Bearer " + rotated, target.Requests()[^1].Headers!["Authorization"].Single());
        Assert.Equal("Bearer [redacted]", output!["body"]!["authorization"]!.GetValue<string>());
        harness.AssertNowhere([rotated], output.ToJsonString());
    }

    public void Dispose()
    {
        harness.Dispose();
        target.Dispose();
        elsewhere.Dispose();
    }
}
