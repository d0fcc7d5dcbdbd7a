using System.Text.Json.Nodes;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Respond.Server.Tests.Connectors;

public sealed class AzureNsgConnectorTests : IDisposable
{
    private const string RulesPath =
        "/subscriptions/sub-0001/resourceGroups/rg-security/providers/Microsoft.Network/networkSecurityGroups/nsg-edge/securityRules";

    private readonly WireMockServer arm = WireMockServer.Start();
    private readonly ConnectorHarness harness;

    public AzureNsgConnectorTests()
    {
        FakeTokenEndpoint.Serve(arm);
        var settings = FakeTokenEndpoint.Settings("nsg", "azure-nsg", arm);
        settings["Respond:Connectors:nsg:SubscriptionId"] = "sub-0001";
        settings["Respond:Connectors:nsg:ResourceGroup"] = "rg-security";
        settings["Respond:Connectors:nsg:NetworkSecurityGroup"] = "nsg-edge";
        harness = new ConnectorHarness(settings);
        arm.Given(Request.Create().WithPath(new WildcardMatcher(RulesPath + "/*")).UsingPut())
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Azure-AsyncOperation", "https://management.azure.com/op/1")
                .WithBodyAsJson(new
                {
                    name = "respond-deny",
                    type = "Microsoft.Network/networkSecurityGroups/securityRules",
                    properties = new { provisioningState = "Updating", access = "Deny" }
                }));
        arm.Given(Request.Create().WithPath(new WildcardMatcher(RulesPath + "/*")).UsingDelete()).RespondWith(Response.Create().WithStatusCode(202));
    }

    [Fact]
    public async Task Blocking_an_ip_puts_a_deny_security_rule_on_the_network_security_group()
    {
        var output = await harness.InvokeAsync("nsg", "block-ip", new { ip = "203.0.113.7", priority = 310 });

        var sent = Assert.Single(arm.ApiRequests());
        Assert.Equal("PUT", sent.Method);
        Assert.Equal($"{RulesPath}/respond-deny-inbound-203-0-113-7", sent.Path);
        Assert.Equal("2023-09-01", sent.Query!["api-version"].Single());
        Assert.Equal("Bearer token-1", sent.Header("Authorization"));
        Assert.Equal(ConnectorHarness.Key, sent.Header("Idempotency-Key"));
        Assert.Equal("https://management.azure.com/.default", Assert.Single(arm.TokenRequests()).Form()["scope"]);
        var expected = JsonNode.Parse("""
            {"properties":{"description":"Blocked by Respond","access":"Deny","direction":"Inbound","protocol":"*",
             "sourceAddressPrefix":"203.0.113.7","sourcePortRange":"*","destinationAddressPrefix":"*","destinationPortRange":"*","priority":310}}
            """);
        Assert.True(JsonNode.DeepEquals(expected, sent.JsonBody()), sent.Body);
        Assert.Equal("Updating", output!["properties"]!["provisioningState"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_outbound_block_of_a_range_denies_traffic_to_it_with_a_stable_derived_priority()
    {
        await harness.InvokeAsync("nsg", "block-ip", new { ip = "198.51.100.0/24", direction = "Outbound" });
        await harness.InvokeAsync("nsg", "block-ip", new { ip = "198.51.100.0/24", direction = "Outbound" });

        var sent = arm.ApiRequests();
        Assert.Equal($"{RulesPath}/respond-deny-outbound-198-51-100-0-24", sent[0].Path);
        var properties = sent[0].JsonBody()!["properties"]!;
        Assert.Equal("*", properties["sourceAddressPrefix"]!.GetValue<string>());
        Assert.Equal("198.51.100.0/24", properties["destinationAddressPrefix"]!.GetValue<string>());
        Assert.Equal("Outbound", properties["direction"]!.GetValue<string>());
        var priority = properties["priority"]!.GetValue<int>();
        Assert.InRange(priority, 100, 4096);
        Assert.Equal(priority, sent[1].JsonBody()!["properties"]!["priority"]!.GetValue<int>());
    }

    [Fact]
    public async Task Unblocking_deletes_the_rule_block_ip_made()
    {
        var output = await harness.InvokeAsync("nsg", "unblock-ip", new { ip = "203.0.113.7" });

        var sent = Assert.Single(arm.ApiRequests());
        Assert.Equal("DELETE", sent.Method);
        Assert.Equal($"{RulesPath}/respond-deny-inbound-203-0-113-7", sent.Path);
        Assert.Equal("2023-09-01", sent.Query!["api-version"].Single());
        Assert.Equal(202, output!["status"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("not-an-ip")]
    [InlineData("10.1")]
    [InlineData("300.1.1.1")]
    [InlineData("0.0.0.0/0")]
    [InlineData("10.0.0.0/33")]
    [InlineData("fe80::1%eth0")]
    public async Task Something_that_is_not_an_ip_or_a_sane_range_is_refused_before_any_request(string ip)
    {
        var failure = await harness.FailsAsync("nsg", "block-ip", new { ip });

        Assert.False(failure.Retryable);
        Assert.Contains("input.ip", failure.Message, StringComparison.Ordinal);
        Assert.Empty(arm.Requests());
    }

    public void Dispose()
    {
        harness.Dispose();
        arm.Dispose();
    }
}
