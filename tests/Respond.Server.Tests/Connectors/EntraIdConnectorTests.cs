using System.Text.Json.Nodes;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Respond.Server.Tests.Connectors;

public sealed class EntraIdConnectorTests : IDisposable
{
    private readonly WireMockServer graph = WireMockServer.Start();
    private readonly ConnectorHarness harness;

    public EntraIdConnectorTests()
    {
        FakeTokenEndpoint.Serve(graph);
        harness = new ConnectorHarness(FakeTokenEndpoint.Settings("entra", "entra-id", graph));
    }

    [Fact]
    public async Task Disabling_a_user_patches_accountEnabled_false_on_the_Graph_user()
    {
        graph.Given(Request.Create().WithPath("/v1.0/users/8a6f0b1c-4c3e-4d51-9d1e-2b5f7c8d9e0f").UsingPatch())
            .RespondWith(Response.Create().WithStatusCode(204));

        var output = await harness.InvokeAsync("entra", "disable-user", new { userId = "8a6f0b1c-4c3e-4d51-9d1e-2b5f7c8d9e0f" });

        var sent = Assert.Single(graph.ApiRequests());
        Assert.Equal("PATCH", sent.Method);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"accountEnabled":false}"""), sent.JsonBody()), sent.Body);
        Assert.Equal("Bearer token-1", sent.Header("Authorization"));
        Assert.Equal(ConnectorHarness.Key, sent.Header("Idempotency-Key"));
        Assert.Equal("https://graph.microsoft.com/.default", Assert.Single(graph.TokenRequests()).Form()["scope"]);
        Assert.Equal(204, output!["status"]!.GetValue<int>());
    }

    [Fact]
    public async Task Revoking_sessions_posts_revokeSignInSessions_for_a_user_principal_name()
    {
        graph.Given(Request.Create().WithPath("/v1.0/users/alice@contoso.com/revokeSignInSessions").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200)
                .WithBodyAsJson(new Dictionary<string,
                    object>
                { ["@odata.context"] = "https://graph.microsoft.com/v1.0/$metadata#Edm.Boolean", ["value"] = true }));

        var output = await harness.InvokeAsync("entra", "revoke-sessions", new { userId = "alice@contoso.com" });

        var sent = Assert.Single(graph.ApiRequests());
        Assert.Equal("POST", sent.Method);
        Assert.Equal("/v1.0/users/alice@contoso.com/revokeSignInSessions", sent.Path);
        Assert.True(output!["value"]!.GetValue<bool>());
        Assert.Equal("alice@contoso.com", output["userId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Connectors_with_the_same_token_endpoint_and_client_share_one_token()
    {
        var settings = FakeTokenEndpoint.Settings("entra", "entra-id", graph);
        foreach (var (key, value) in FakeTokenEndpoint.Settings("entra-second", "entra-id", graph))
        {
            settings[key] = value;
        }

        using var shared = new ConnectorHarness(settings);
        graph.Given(Request.Create().WithPath("/v1.0/users/bob").UsingPatch()).RespondWith(Response.Create().WithStatusCode(204));

        await shared.InvokeAsync("entra", "disable-user", new { userId = "bob" });
        await shared.InvokeAsync("entra-second", "disable-user", new { userId = "bob" });

        Assert.Single(graph.TokenRequests());
        Assert.Equal(2, graph.ApiRequests().Count);
    }

    [Fact]
    public async Task An_unknown_user_is_a_permanent_failure_naming_Graphs_error()
    {
        graph.Given(Request.Create().WithPath("/v1.0/users/nobody").UsingPatch())
            .RespondWith(Response.Create().WithStatusCode(404).WithBodyAsJson(new
            {
                error = new { code = "Request_ResourceNotFound", message = "Resource 'nobody' does not exist." },
            }));

        var failure = await harness.FailsAsync("entra", "disable-user", new { userId = "nobody" });

        Assert.False(failure.Retryable);
        Assert.Contains("Request_ResourceNotFound", failure.Message, StringComparison.Ordinal);
        harness.AssertNowhere([FakeTokenEndpoint.ClientSecret, "token-1"], failure.Message);
    }

    public void Dispose()
    {
        harness.Dispose();
        graph.Dispose();
    }
}
