using System.Text.Json.Nodes;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Respond.Server.Tests.Connectors;

/// <summary>Slack and Teams incoming webhooks: the message shapes they take, and the webhook URL kept secret.</summary>
public sealed class WebhookConnectorTests : IDisposable
{
    private const string SlackPath = "/services/T0001/B0001/slackSecretPart0123456789";
    private const string TeamsPath = "/webhookb2/teamsSecretPart0123456789/IncomingWebhook/abc";

    private readonly WireMockServer slack = WireMockServer.Start();
    private readonly WireMockServer teams = WireMockServer.Start();
    private readonly ConnectorHarness harness;

    public WebhookConnectorTests() => harness = new ConnectorHarness(new Dictionary<string, string?>
    {
        ["Respond:Connectors:chat:Kind"] = "slack",
        ["Respond:Connectors:chat:WebhookUrl"] = slack.Url + SlackPath,
        ["Respond:Connectors:soc-channel:Kind"] = "teams",
        ["Respond:Connectors:soc-channel:WebhookUrl"] = teams.Url + TeamsPath,
        ["Respond:Connectors:soc-workflow:Kind"] = "teams",
        ["Respond:Connectors:soc-workflow:WebhookUrl"] = teams.Url + TeamsPath,
        ["Respond:Connectors:soc-workflow:Format"] = "adaptive-card",
    });

    private string[] Secrets => [slack.Url + SlackPath, SlackPath, "slackSecretPart0123456789", teams.Url + TeamsPath, "teamsSecretPart0123456789"];

    [Fact]
    public async Task Slack_gets_its_message_format_on_the_webhook_with_the_idempotency_key()
    {
        slack.Given(Request.Create().WithPath(SlackPath).UsingPost()).RespondWith(Response.Create().WithStatusCode(200).WithBody("ok"));

        var output = await harness.InvokeAsync("chat", "post", new
        {
            text = "New incident: brute force on vpn-01",
            blocks = new object[] { new { type = "section", text = new { type = "mrkdwn", text = "*Brute force* on vpn-01" } } },
        });

        var sent = Assert.Single(slack.Requests());
        Assert.Equal(ConnectorHarness.Key, sent.Header("Idempotency-Key"));
        Assert.StartsWith("application/json", sent.Header("Content-Type"), StringComparison.Ordinal);
        var body = sent.JsonBody()!;
        Assert.Equal("New incident: brute force on vpn-01", body["text"]!.GetValue<string>());
        Assert.Equal("section", body["blocks"]![0]!["type"]!.GetValue<string>());
        Assert.Equal("*Brute force* on vpn-01", body["blocks"]![0]!["text"]!["text"]!.GetValue<string>());
        Assert.Equal(200, output!["status"]!.GetValue<int>());
        harness.AssertNowhere(Secrets, output.ToJsonString());
    }

    [Theory]
    [InlineData(404, "no_service", false)]
    [InlineData(403, "action_prohibited", false)]
    [InlineData(500, "internal_error", true)]
    public async Task A_refused_Slack_post_says_why_without_the_webhook_url(int status, string reason, bool retryable)
    {
        slack.Given(Request.Create().WithPath(SlackPath).UsingPost()).RespondWith(Response.Create().WithStatusCode(status).WithBody(reason));

        var failure = await harness.FailsAsync("chat", "post", new { text = "hello" });

        Assert.Equal(retryable, failure.Retryable);
        Assert.Contains(reason, failure.Message, StringComparison.Ordinal);
        harness.AssertNowhere(Secrets, failure.Message, failure.ToString());
    }

    [Fact]
    public async Task A_slow_webhook_times_out_without_the_webhook_url_in_the_message()
    {
        slack.Given(Request.Create().WithPath(SlackPath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromSeconds(5)));

        var failure = await harness.FailsAsync("chat", "post", new { text = "hello" }, timeout: TimeSpan.FromMilliseconds(300));

        Assert.True(failure.Retryable);
        harness.AssertNowhere(Secrets, failure.Message, failure.ToString());
    }

    [Fact]
    public async Task Teams_text_and_title_become_a_MessageCard()
    {
        teams.Given(Request.Create().WithPath(TeamsPath).UsingPost()).RespondWith(Response.Create().WithStatusCode(200).WithBody("1"));

        var output = await harness.InvokeAsync("soc-channel", "post",
            new { text = "fs-02 isolated", title = "Incident contained", themeColor = "D70000" });

        var sent = Assert.Single(teams.Requests());
        Assert.Equal(ConnectorHarness.Key, sent.Header("Idempotency-Key"));
        var expected = JsonNode.Parse("""
            {"@type":"MessageCard","@context":"https://schema.org/extensions","summary":"Incident contained",
             "text":"fs-02 isolated","title":"Incident contained","themeColor":"D70000"}
            """);
        Assert.True(JsonNode.DeepEquals(expected, sent.JsonBody()), sent.Body);
        harness.AssertNowhere(Secrets, output!.ToJsonString());
    }

    [Fact]
    public async Task Teams_with_the_adaptive_card_format_gets_an_Adaptive_Card_attachment()
    {
        teams.Given(Request.Create().WithPath(TeamsPath).UsingPost()).RespondWith(Response.Create().WithStatusCode(202));

        var output = await harness.InvokeAsync("soc-workflow", "post", new { text = "fs-02 isolated", title = "Incident contained" });

        var body = Assert.Single(teams.Requests()).JsonBody()!;
        Assert.Equal("message", body["type"]!.GetValue<string>());
        var attachment = body["attachments"]![0]!;
        Assert.Equal("application/vnd.microsoft.card.adaptive", attachment["contentType"]!.GetValue<string>());
        Assert.Equal("AdaptiveCard", attachment["content"]!["type"]!.GetValue<string>());
        Assert.Equal(["Incident contained", "fs-02 isolated"],
            attachment["content"]!["body"]!.AsArray().Select(b => b!["text"]!.GetValue<string>()));
        Assert.Equal(202, output!["status"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_ready_made_Adaptive_Card_is_sent_as_is()
    {
        teams.Given(Request.Create().WithPath(TeamsPath).UsingPost()).RespondWith(Response.Create().WithStatusCode(202));
        var card = new { type = "AdaptiveCard", version = "1.5", body = new object[] { new { type = "TextBlock", text = "custom" } } };

        await harness.InvokeAsync("soc-channel", "post", new { text = "fallback", card });

        var content = Assert.Single(teams.Requests()).JsonBody()!["attachments"]![0]!["content"];
        Assert.True(JsonNode.DeepEquals(ConnectorHarness.Input(card), content));
    }

    public void Dispose()
    {
        harness.Dispose();
        slack.Dispose();
        teams.Dispose();
    }
}
