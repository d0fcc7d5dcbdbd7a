using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;
using Respond.Server.Connectors;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Respond.Server.Tests.Connectors;

/// <summary>Outbound calls connect only to public addresses unless a connector's configuration allows an inside network.</summary>
public sealed class OutboundNetworkTests : IDisposable
{
    private const string Token = "network-token-0123456789abcdef";

    private readonly WireMockServer target = WireMockServer.Start();

    public OutboundNetworkTests() =>
        target.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(200).WithBody("ok"));

    private Dictionary<string, string?> Settings(string host) => new()
    {
        ["Respond:Connectors:inside:Kind"] = "http",
        ["Respond:Connectors:inside:BaseUrl"] = $"http://{host}:{target.Port.ToString(CultureInfo.InvariantCulture)}/api",
        ["Respond:Connectors:inside:Token"] = Token,
    };

    [Theory]
    [InlineData("localhost")]
    [InlineData("127.0.0.1")]
    [InlineData("[::ffff:127.0.0.1]")]
    public async Task A_host_on_loopback_without_the_opt_in_is_refused_finally_and_nothing_is_sent(string host)
    {
        using var harness = new ConnectorHarness(Settings(host), allowLoopback: false);

        var failure = await harness.FailsAsync("inside", "request", new { path = "/ping" });

        Assert.Contains("refused address", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Respond:Connectors:inside:AllowedNetworks", failure.Message, StringComparison.Ordinal);
        Assert.False(failure.Retryable);
        Assert.Empty(target.Requests());
        harness.AssertNowhere([Token], failure.Message);
    }

    [Fact]
    public async Task A_host_on_loopback_with_the_opt_in_is_called()
    {
        var settings = Settings("localhost");
        settings["Respond:Connectors:inside:AllowedNetworks:0"] = "127.0.0.0/8";
        settings["Respond:Connectors:inside:AllowedNetworks:1"] = "::1/128";
        using var harness = new ConnectorHarness(settings, allowLoopback: false);

        var output = await harness.InvokeAsync("inside", "request", new { path = "/ping" });

        Assert.Equal(200, output!["status"]!.GetValue<int>());
        Assert.Single(target.Requests());
    }

    [Fact]
    public async Task An_allow_list_that_is_not_a_network_is_named()
    {
        var settings = Settings("127.0.0.1");
        settings["Respond:Connectors:inside:AllowedNetworks:0"] = "the office";
        using var harness = new ConnectorHarness(settings, allowLoopback: false);

        var failure = await harness.FailsAsync("inside", "request", new { path = "/ping" });

        Assert.Contains("AllowedNetworks holds 'the office'", failure.Message, StringComparison.Ordinal);
        Assert.Empty(target.Requests());
    }

    [Fact]
    public async Task An_smtp_host_on_loopback_without_the_opt_in_is_refused()
    {
        await using var smtp = await FakeSmtpServer.StartAsync();
        using var harness = new ConnectorHarness(new Dictionary<string, string?>
        {
            ["Respond:Connectors:mail:Kind"] = "email",
            ["Respond:Connectors:mail:Host"] = "127.0.0.1",
            ["Respond:Connectors:mail:Port"] = smtp.Port.ToString(CultureInfo.InvariantCulture),
            ["Respond:Connectors:mail:UseTls"] = "none",
            ["Respond:Connectors:mail:From"] = "respond@soc.example",
        }, allowLoopback: false);

        var failure = await harness.FailsAsync("mail", "send", new { to = "a@soc.example", subject = "s", body = "b" });

        Assert.Contains("refused address", failure.Message, StringComparison.Ordinal);
        Assert.False(failure.Retryable);
        Assert.Empty(smtp.Messages);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.255.0.9")]
    [InlineData("::1")]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    [InlineData("169.254.169.254")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("169.254.10.1")]
    [InlineData("fe80::1")]
    [InlineData("10.1.2.3")]
    [InlineData("::ffff:10.1.2.3")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.1")]
    [InlineData("100.64.0.1")]
    [InlineData("100.100.100.200")]
    [InlineData("fc00::1")]
    [InlineData("fd00:ec2::254")]
    [InlineData("224.0.0.1")]
    [InlineData("ff02::1")]
    [InlineData("255.255.255.255")]
    [InlineData("::127.0.0.1")]
    public void Inside_addresses_are_refused_by_default(string address)
    {
        Assert.True(OutboundNetworks.IsInside(IPAddress.Parse(address)));
        Assert.False(OutboundNetworks.PublicOnly.Allows(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("93.184.215.14")]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("2606:4700::1111")]
    [InlineData("::ffff:8.8.8.8")]
    public void Public_addresses_are_allowed(string address) =>
        Assert.True(OutboundNetworks.PublicOnly.Allows(IPAddress.Parse(address)));

    [Fact]
    public void An_allow_list_opens_its_networks_but_never_the_metadata_address()
    {
        var settings = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["c:AllowedNetworks:0"] = "10.0.0.0/8",
            ["c:AllowedNetworks:1"] = "169.254.0.0/16",
        }).Build().GetSection("c");
        var request = new ConnectorRequest("c", settings, "op", [], "k", TimeSpan.FromSeconds(1));

        var networks = OutboundNetworks.For(request);

        Assert.True(networks.Allows(IPAddress.Parse("10.20.30.40")));
        Assert.True(networks.Allows(IPAddress.Parse("::ffff:10.20.30.40")));
        Assert.True(networks.Allows(IPAddress.Parse("169.254.10.1")));
        Assert.False(networks.Allows(IPAddress.Parse("169.254.169.254")));
        Assert.False(networks.Allows(IPAddress.Parse("192.168.1.1")));
    }

    public void Dispose()
    {
        target.Stop();
        target.Dispose();
    }
}
