using System.Text.Json.Nodes;
using Respond.Server.Tests.Infrastructure;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Respond.Server.Tests.Connectors;

public sealed class DefenderEndpointConnectorTests : IDisposable
{
    private const string Machine = "1e5bc9d7e413ddd7902c2932e418702b84d0cc07";

    private readonly WireMockServer defender = WireMockServer.Start();
    private readonly ManualClock clock = new(new DateTimeOffset(2025, 3, 1, 8, 0, 0, TimeSpan.Zero));
    private readonly ConnectorHarness harness;

    public DefenderEndpointConnectorTests()
    {
        FakeTokenEndpoint.Serve(defender);
        var settings = FakeTokenEndpoint.Settings("mde", "defender-endpoint", defender);
        foreach (var (key, value) in FakeTokenEndpoint.Settings("mde-copy", "defender-endpoint", defender))
        {
            settings[key] = value;
        }

        harness = new ConnectorHarness(settings, clock);
    }

    private static string[] Secrets => [FakeTokenEndpoint.ClientSecret, "token-1", "token-2"];

    private void AnswerMachineAction(string action, int status = 201) =>
        defender.Given(Request.Create().WithPath($"/api/machines/{Machine}/{action}").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(status).WithBodyAsJson(new
            {
                id = "5382f7ea-7557-4ab7-9782-d50480024a4e",
                type = action == "isolate" ? "Isolate" : "Unisolate",
                status = "Pending",
                machineId = Machine,
            }));

    [Fact]
    public async Task Isolating_a_machine_posts_the_isolate_action_with_a_token_from_the_token_endpoint()
    {
        AnswerMachineAction("isolate");

        var output = await harness.InvokeAsync("mde", "isolate-machine",
            new { machineId = Machine, comment = "IR-42 ransomware", isolationType = "Selective" });

        var sent = Assert.Single(defender.ApiRequests());
        Assert.Equal("POST", sent.Method);
        Assert.Equal($"/api/machines/{Machine}/isolate", sent.Path);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"Comment":"IR-42 ransomware","IsolationType":"Selective"}"""), sent.JsonBody()),
            sent.Body);
        Assert.Equal("Bearer token-1", sent.Header("Authorization"));
        Assert.Equal(ConnectorHarness.Key, sent.Header("Idempotency-Key"));

        var token = Assert.Single(defender.TokenRequests());
        var form = token.Form();
        Assert.Equal("client_credentials", form["grant_type"]);
        Assert.Equal(FakeTokenEndpoint.ClientId, form["client_id"]);
        Assert.Equal(FakeTokenEndpoint.ClientSecret, form["client_secret"]);
        Assert.Equal("https://api.securitycenter.microsoft.com/.default", form["scope"]);
        Assert.Null(token.Header("Idempotency-Key"));

        Assert.Equal("Isolate", output!["type"]!.GetValue<string>());
        Assert.Equal("Pending", output["status"]!.GetValue<string>());
        harness.AssertNowhere(Secrets, output.ToJsonString());
    }

    [Fact]
    public async Task Isolation_is_Full_unless_told_otherwise_and_release_posts_unisolate()
    {
        AnswerMachineAction("isolate");
        AnswerMachineAction("unisolate");

        await harness.InvokeAsync("mde", "isolate-machine", new { machineId = Machine, comment = "contain" });
        var output = await harness.InvokeAsync("mde", "release-machine", new { machineId = Machine, comment = "clean" });

        var requests = defender.ApiRequests();
        Assert.Equal("Full", requests[0].JsonBody()!["IsolationType"]!.GetValue<string>());
        Assert.Equal($"/api/machines/{Machine}/unisolate", requests[1].Path);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"Comment":"clean"}"""), requests[1].JsonBody()));
        Assert.Equal("Unisolate", output!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_token_is_fetched_once_reused_and_renewed_shortly_before_it_expires()
    {
        AnswerMachineAction("isolate");

        await harness.InvokeAsync("mde", "isolate-machine", new { machineId = Machine, comment = "one" });
        await harness.InvokeAsync("mde", "isolate-machine", new { machineId = Machine, comment = "two" });
        await harness.InvokeAsync("mde-copy", "isolate-machine", new { machineId = Machine, comment = "same client, same cache" });
        Assert.Single(defender.TokenRequests());

        clock.Advance(TimeSpan.FromSeconds(3599 - 60)); // inside the refresh margin, before the real expiry
        await harness.InvokeAsync("mde", "isolate-machine", new { machineId = Machine, comment = "three" });

        Assert.Equal(2, defender.TokenRequests().Count);
        Assert.Equal(["Bearer token-1", "Bearer token-1", "Bearer token-1", "Bearer token-2"],
            defender.ApiRequests().Select(r => r.Header("Authorization")));
    }

    [Fact]
    public async Task A_token_the_API_refuses_is_dropped_so_the_next_attempt_gets_a_new_one()
    {
        defender.Given(Request.Create().WithPath($"/api/machines/{Machine}/isolate").UsingPost().WithHeader("Authorization", "Bearer token-1"))
            .RespondWith(Response.Create().WithStatusCode(401).WithBodyAsJson(new
            {
                error = new
                {
                    code = "Unauthorized",
                    message = "Token revoked"
                }
            }));
        defender.Given(Request.Create().WithPath($"/api/machines/{Machine}/isolate").UsingPost().WithHeader("Authorization", "Bearer token-2"))
            .RespondWith(Response.Create().WithStatusCode(201).WithBodyAsJson(new { id = "a1", type = "Isolate", status = "Pending" }));

        var first = await harness.FailsAsync("mde", "isolate-machine", new { machineId = Machine, comment = "x" });
        var output = await harness.InvokeAsync("mde", "isolate-machine", new { machineId = Machine, comment = "x" });

        Assert.False(first.Retryable);
        Assert.Equal(401, first.StatusCode);
        Assert.Equal("a1", output!["id"]!.GetValue<string>());
        Assert.Equal(2, defender.TokenRequests().Count);
    }

    [Theory]
    [InlineData(503, true)]
    [InlineData(429, true)]
    [InlineData(400, false)]
    [InlineData(404, false)]
    public async Task API_failures_are_classified(int status, bool retryable)
    {
        defender.Given(Request.Create().WithPath($"/api/machines/{Machine}/isolate").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(status).WithBodyAsJson(new
            {
                error = new
                {
                    code = "ActiveRequestAlreadyExists",
                    message = "Action is already in progress"
                }
            }));

        var failure = await harness.FailsAsync("mde", "isolate-machine", new { machineId = Machine, comment = "x" });

        Assert.Equal(retryable, failure.Retryable);
        Assert.Equal(status, failure.StatusCode);
        Assert.Contains("ActiveRequestAlreadyExists", failure.Message, StringComparison.Ordinal);
        harness.AssertNowhere(Secrets, failure.Message, failure.ToString());
    }

    [Fact]
    public async Task A_refused_client_secret_is_a_permanent_failure_that_never_shows_the_secret()
    {
        using var refused = WireMockServer.Start();
        refused.Given(Request.Create().WithPath(FakeTokenEndpoint.Path).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(401).WithBodyAsJson(new
            {
                error = "invalid_client",
                error_description = $"AADSTS7000215: Invalid client secret provided: {FakeTokenEndpoint.ClientSecret}",
            }));
        using var wrong = new ConnectorHarness(FakeTokenEndpoint.Settings("mde", "defender-endpoint", refused));

        var failure = await wrong.FailsAsync("mde", "isolate-machine", new { machineId = Machine, comment = "x" });

        Assert.False(failure.Retryable);
        Assert.Contains("token endpoint", failure.Message, StringComparison.Ordinal);
        Assert.Contains("invalid_client", failure.Message, StringComparison.Ordinal);
        Assert.Empty(refused.ApiRequests());
        wrong.AssertNowhere([FakeTokenEndpoint.ClientSecret], failure.Message, failure.ToString());
    }

    [Theory]
    [InlineData("..")]
    [InlineData(".")]
    public async Task A_machine_id_that_would_move_the_path_is_refused(string machineId)
    {
        var failure = await harness.FailsAsync("mde", "isolate-machine", new { machineId, comment = "x" });

        Assert.False(failure.Retryable);
        Assert.Empty(defender.Requests());
    }

    [Fact]
    public async Task A_machine_id_with_slashes_stays_one_path_segment()
    {
        defender.Given(Request.Create().WithPath(new WildcardMatcher("/api/machines/*")).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(404));

        await harness.FailsAsync("mde", "isolate-machine", new { machineId = "../../users/x", comment = "x" });

        Assert.Equal("/api/machines/..%2F..%2Fusers%2Fx/isolate",
            Assert.Single(defender.ApiRequests()).AbsoluteUrl.Replace(defender.Url!, "", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        harness.Dispose();
        defender.Dispose();
    }
}
