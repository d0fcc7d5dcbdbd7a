using System.Globalization;

namespace Respond.Server.Tests.Connectors;

public sealed class EmailConnectorTests : IAsyncLifetime
{
    private FakeSmtpServer smtp = null!;
    private ConnectorHarness harness = null!;

    public async Task InitializeAsync()
    {
        smtp = await FakeSmtpServer.StartAsync();
        harness = new ConnectorHarness(Settings(smtp.Port, FakeSmtpServer.Password));
    }

    private static Dictionary<string, string?> Settings(int port, string password) => new()
    {
        ["Respond:Connectors:mail:Kind"] = "email",
        ["Respond:Connectors:mail:Host"] = "127.0.0.1",
        ["Respond:Connectors:mail:Port"] = port.ToString(CultureInfo.InvariantCulture),
        ["Respond:Connectors:mail:UseTls"] = "none",
        ["Respond:Connectors:mail:UserName"] = FakeSmtpServer.UserName,
        ["Respond:Connectors:mail:Password"] = password,
        ["Respond:Connectors:mail:From"] = "Respond <respond@soc.example>",
    };

    [Fact]
    public async Task A_message_is_delivered_to_every_recipient_with_its_subject_and_body()
    {
        var output = await harness.InvokeAsync("mail", "send", new
        {
            to = new[] { "oncall@soc.example", "ciso@soc.example" },
            cc = "audit@soc.example",
            subject = "Incident IR-42 contained",
            body = "fs-02 is isolated.",
        });

        var message = Assert.Single(smtp.Messages);
        Assert.Equal("Incident IR-42 contained", message.Subject);
        Assert.Equal(["oncall@soc.example", "ciso@soc.example"], message.To.Mailboxes.Select(m => m.Address));
        Assert.Equal(["audit@soc.example"], message.Cc.Mailboxes.Select(m => m.Address));
        Assert.Equal("respond@soc.example", message.From.Mailboxes.Single().Address);
        Assert.Equal("fs-02 is isolated.", message.TextBody!.Trim());
        Assert.Equal([FakeSmtpServer.UserName], smtp.Logins);
        Assert.Equal(ConnectorHarness.Key, message.Headers["Idempotency-Key"]);

        Assert.Equal(message.MessageId, output!["messageId"]!.GetValue<string>());
        Assert.Equal(["oncall@soc.example", "ciso@soc.example", "audit@soc.example"],
            output["recipients"]!.AsArray().Select(r => r!.GetValue<string>()));
        harness.AssertNowhere([FakeSmtpServer.Password], output.ToJsonString());
    }

    [Fact]
    public async Task A_repeated_step_sends_the_same_Message_ID_and_html_is_sent_as_html()
    {
        await harness.InvokeAsync("mail", "send", new { to = "oncall@soc.example", subject = "s", body = "<b>bold</b>", html = true });
        await harness.InvokeAsync("mail", "send", new { to = "oncall@soc.example", subject = "s", body = "<b>bold</b>", html = true });

        var messages = smtp.Messages.ToArray();
        Assert.Equal(2, messages.Length);
        Assert.Equal(messages[0].MessageId, messages[1].MessageId);
        Assert.EndsWith("@soc.example", messages[0].MessageId, StringComparison.Ordinal);
        Assert.Equal("<b>bold</b>", messages[0].HtmlBody!.Trim());
    }

    [Fact]
    public async Task A_recipient_the_server_refuses_is_a_permanent_failure()
    {
        var failure = await harness.FailsAsync("mail", "send", new { to = "someone@refused.example", subject = "s", body = "b" });

        Assert.False(failure.Retryable);
        Assert.Equal(550, failure.StatusCode);
        Assert.Empty(smtp.Messages);
    }

    [Fact]
    public async Task Wrong_credentials_are_a_permanent_failure_that_never_shows_the_password()
    {
        const string wrong = "wrong-password-0123456789abcdef";
        using var misconfigured = new ConnectorHarness(Settings(smtp.Port, wrong));

        var failure = await misconfigured.FailsAsync("mail", "send", new { to = "oncall@soc.example", subject = "s", body = "b" });

        Assert.False(failure.Retryable);
        Assert.Empty(smtp.Messages);
        misconfigured.AssertNowhere([wrong, FakeSmtpServer.Password], failure.Message, failure.ToString());
    }

    [Fact]
    public async Task A_server_that_is_not_there_is_a_retryable_failure()
    {
        using var nowhere = new ConnectorHarness(Settings(ConnectorHarness.ClosedPort(), FakeSmtpServer.Password));

        var failure = await nowhere.FailsAsync("mail", "send", new { to = "oncall@soc.example", subject = "s", body = "b" });

        Assert.True(failure.Retryable);
    }

    [Fact]
    public async Task An_address_that_is_not_an_email_address_is_refused_before_connecting()
    {
        var failure = await harness.FailsAsync("mail", "send", new { to = "not an address", subject = "s", body = "b" });

        Assert.False(failure.Retryable);
        Assert.Empty(smtp.Logins);
    }

    public async Task DisposeAsync()
    {
        harness.Dispose();
        await smtp.DisposeAsync();
    }
}
