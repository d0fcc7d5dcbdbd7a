using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using static Respond.Server.Connectors.InputSchema;

namespace Respond.Server.Connectors.Kinds;

/// <summary>
/// <c>email</c>: sends one message through the configured SMTP server. Settings: <c>Host</c>, <c>Port</c>
/// (default 25, 587 or 465 by <c>UseTls</c>), <c>UseTls</c> = none | starttls (default) | tls, <c>From</c>, and
/// optional <c>UserName</c>/<c>Password</c>. The Message-ID derives from the idempotency key, so a repeated
/// step sends a message mail clients recognise as the same.
/// </summary>
public sealed class EmailConnector : IConnectorKind
{
    public string Kind => "email";

    public IReadOnlyList<ConnectorOperation> Operations { get; } =
    [
        new("send", "Send an email.", Object(["to", "subject", "body"],
            ("to", OneOfTypes("Recipient address, or a list of them.", ["string", "array"], String("Recipient address."))),
            ("cc", OneOfTypes("Copy recipient address, or a list of them.", ["string", "array"], String("Recipient address."))),
            ("subject", String("Subject line.")),
            ("body", String("Message body: plain text, or HTML when html is true.")),
            ("html", OneOfTypes("true: body is HTML; a string: an HTML alternative to the plain-text body.", ["boolean", "string"])))),
    ];

    public async Task<JsonNode?> ExecuteAsync(ConnectorRequest request, CancellationToken cancellationToken)
    {
        var host = request.Setting("Host");
        var security = request.OptionalSetting("UseTls")?.ToLowerInvariant() switch
        {
            null or "starttls" => SecureSocketOptions.StartTls,
            "tls" => SecureSocketOptions.SslOnConnect,
            "none" => SecureSocketOptions.None,
            _ => throw new ConnectorException($"Connector '{request.ConnectorName}': the setting UseTls must be none, starttls or tls.",
                retryable: false),
        };
        var port = request.IntegerSetting("Port", security switch
        {
            SecureSocketOptions.SslOnConnect => 465,
            SecureSocketOptions.None => 25,
            _ => 587,
        });
        var message = Compose(request);
        var networks = OutboundNetworks.For(request);
        var timeout = OutboundHttp.EffectiveTimeout(request.Timeout);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var where = $"SMTP server {host}:{port}";
        try
        {
            using var client = new SmtpClient { Timeout = (int)Math.Min(int.MaxValue, timeout.TotalMilliseconds) };
            // The SMTP host is vetted like an HTTP one: resolved, checked and connected here, then handed to MailKit.
            var socket = await networks.ConnectAsync(host, port, deadline.Token);
            await client.ConnectAsync(socket, host, port, security, deadline.Token);
            if (request.OptionalSetting("UserName") is { } user)
            {
                await client.AuthenticateAsync(user, request.OptionalSetting("Password") ?? "", deadline.Token);
            }

            var response = await client.SendAsync(message, deadline.Token);
            await client.DisconnectAsync(quit: true, deadline.Token);
            return new JsonObject
            {
                ["messageId"] = message.MessageId,
                ["recipients"] = new JsonArray([.. message.To.Mailboxes.Concat(message.Cc.Mailboxes).Select(m => (JsonNode)m.Address)]),
                ["response"] = response,
            };
        }
        catch (RefusedAddressException refused)
        {
            throw Failed(request, $"{where}: {refused.Message}; nothing was sent. Allow the network with "
                + $"Respond:Connectors:{request.ConnectorName}:{OutboundNetworks.AllowedNetworksSetting} if it is meant.", retryable: false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw Failed(request, $"{where} did not finish within {timeout.TotalSeconds:0.###} s.", retryable: true);
        }
        catch (SmtpCommandException ex)
        {
            // 4xx replies are transient by SMTP's own definition (greylisting, full mailbox); 5xx are permanent.
            var code = (int)ex.StatusCode;
            throw Failed(request, $"{where} answered {code}: {OneLine(ex.Message)}", retryable: code is >= 400 and < 500, code);
        }
        catch (AuthenticationException)
        {
            throw Failed(request, $"{where} refused the configured credentials.", retryable: false);
        }
        catch (SslHandshakeException)
        {
            throw Failed(request, $"{where}: the TLS handshake failed (certificate or protocol).", retryable: false);
        }
        catch (NotSupportedException ex)
        {
            throw Failed(request, $"{where}: {OneLine(ex.Message)}", retryable: false);
        }
        catch (Exception ex) when (ex is SocketException or IOException or TimeoutException or SmtpProtocolException or ServiceNotConnectedException)
        {
            throw Failed(request, $"could not talk to {where}: {ex.GetType().Name}.", retryable: true);
        }
    }

    private static MimeMessage Compose(ConnectorRequest request)
    {
        var message = new MimeMessage();
        message.From.Add(Address(request, "From", request.Setting("From")));
        var to = request.StringOrList("to");
        if (to.Count == 0)
        {
            throw InputValues.Refused(request, "input.to names no recipient.");
        }

        message.To.AddRange(to.Select(a => Address(request, "to", a)));
        message.Cc.AddRange(request.StringOrList("cc").Select(a => Address(request, "cc", a)));
        message.Subject = request.RequiredString("subject").ReplaceLineEndings(" ");
        message.Body = BodyOf(request);
        var domain = ((MailboxAddress)message.From[0]).Domain;
        message.MessageId = $"{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(request.IdempotencyKey)))[..32]}@{domain}";
        message.Headers.Add("Idempotency-Key", request.IdempotencyKey);
        return message;
    }

    private static MimeEntity BodyOf(ConnectorRequest request)
    {
        var body = request.Input["body"] is JsonValue text && text.GetValueKind() == JsonValueKind.String
            ? text.GetValue<string>()
            : throw InputValues.Refused(request, "input.body must be a string.");
        var html = request.Input["html"];
        if (html is JsonValue flag && flag.TryGetValue<bool>(out var isHtml))
        {
            return new TextPart(isHtml ? "html" : "plain") { Text = body };
        }

        if (request.OptionalString("html") is { } alternative)
        {
            return new BodyBuilder { TextBody = body, HtmlBody = alternative }.ToMessageBody();
        }

        return new TextPart("plain") { Text = body };
    }

    private static MailboxAddress Address(ConnectorRequest request, string field, string text) =>
        MailboxAddress.TryParse(text, out var address) && address.Address.Contains('@', StringComparison.Ordinal)
            ? address
            : throw InputValues.Refused(request,
                $"{(field == "From" ? "the setting From" : $"input.{field}")} holds an address that is not an email address.");

    private static ConnectorException Failed(ConnectorRequest request, string reason, bool retryable, int? code = null) =>
        new($"Connector '{request.ConnectorName}' {request.Operation}: {reason}", retryable, code);

    private static string OneLine(string text)
    {
        var line = text.ReplaceLineEndings(" ").Trim();
        return line.Length <= 200 ? line : line[..200] + "…";
    }
}
