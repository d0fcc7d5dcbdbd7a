using System.Text.Json.Nodes;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Respond.Server.Tests.Connectors;

public sealed class FirewallConnectorTests : IDisposable
{
    private const string Token = "firewall-token-0123456789abcdef";

    private readonly WireMockServer firewall = WireMockServer.Start();
    private readonly ConnectorHarness harness;

    public FirewallConnectorTests() => harness = new ConnectorHarness(new Dictionary<string, string?>
    {
        ["Respond:Connectors:edge-fw:Kind"] = "firewall",
        ["Respond:Connectors:edge-fw:BaseUrl"] = firewall.Url + "/v1",
        ["Respond:Connectors:edge-fw:Token"] = Token,
    });

    [Fact]
    public async Task Blocking_posts_the_ip_reason_and_duration_to_blocks()
    {
        firewall.Given(Request.Create().WithPath("/v1/blocks").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(201).WithBodyAsJson(new
            {
                id = "blk-9",
                ip = "203.0.113.7",
                expiresAt = "2025-03-01T09:00:00Z"
            }));

        var output = await harness.InvokeAsync("edge-fw", "block-ip",
            new { ip = "203.0.113.7", reason = "IR-42 brute force", durationSeconds = 3600 });

        var sent = Assert.Single(firewall.Requests());
        Assert.Equal("POST", sent.Method);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"ip":"203.0.113.7","reason":"IR-42 brute force","durationSeconds":3600}"""),
            sent.JsonBody()), sent.Body);
        Assert.Equal($"Bearer {Token}", sent.Header("Authorization"));
        Assert.Equal(ConnectorHarness.Key, sent.Header("Idempotency-Key"));
        Assert.Equal("blk-9", output!["id"]!.GetValue<string>());
        harness.AssertNowhere([Token], output.ToJsonString());
    }

    [Fact]
    public async Task Unblocking_deletes_the_block_of_the_ip_and_a_block_already_gone_counts_as_done()
    {
        firewall.Given(Request.Create().WithPath("/v1/blocks/203.0.113.7").UsingDelete()).RespondWith(Response.Create().WithStatusCode(204));
        firewall.Given(Request.Create().WithPath("/v1/blocks/203.0.113.8").UsingDelete()).RespondWith(Response.Create().WithStatusCode(404));

        var output = await harness.InvokeAsync("edge-fw", "unblock-ip", new { ip = "203.0.113.7" });
        var gone = await harness.InvokeAsync("edge-fw", "unblock-ip", new { ip = "203.0.113.8" });

        Assert.Equal("DELETE", firewall.Requests()[0].Method);
        Assert.Equal("/v1/blocks/203.0.113.7", firewall.Requests()[0].Path);
        Assert.True(output!["unblocked"]!.GetValue<bool>());
        Assert.True(gone!["unblocked"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_range_is_one_escaped_path_segment()
    {
        firewall.Given(Request.Create().UsingDelete()).RespondWith(Response.Create().WithStatusCode(204));

        await harness.InvokeAsync("edge-fw", "unblock-ip", new { ip = "198.51.100.0/24" });

        Assert.EndsWith("/v1/blocks/198.51.100.0%2F24", Assert.Single(firewall.Requests()).AbsoluteUrl, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("203.0.113.7; rm -rf /")]
    [InlineData("../../admin")]
    [InlineData("")]
    public async Task Something_that_is_not_an_ip_is_refused_before_any_request(string ip)
    {
        var failure = await harness.FailsAsync("edge-fw", "block-ip", new { ip });

        Assert.False(failure.Retryable);
        Assert.Empty(firewall.Requests());
    }

    [Fact]
    public async Task A_firewall_that_is_down_is_a_retryable_failure()
    {
        firewall.Given(Request.Create().WithPath("/v1/blocks").UsingPost()).RespondWith(Response.Create().WithStatusCode(503));

        var failure = await harness.FailsAsync("edge-fw", "block-ip", new { ip = "2001:db8::7" });

        Assert.True(failure.Retryable);
        Assert.Equal(503, failure.StatusCode);
        Assert.Equal("2001:db8::7", firewall.Requests()[0].JsonBody()!["ip"]!.GetValue<string>());
        harness.AssertNowhere([Token], failure.Message, failure.ToString());
    }

    public void Dispose()
    {
        harness.Dispose();
        firewall.Dispose();
    }
}
