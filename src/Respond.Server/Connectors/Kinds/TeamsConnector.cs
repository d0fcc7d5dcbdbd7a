using System.Text.Json.Nodes;
using static Respond.Server.Connectors.InputSchema;

namespace Respond.Server.Connectors.Kinds;

/// <summary>
/// <c>teams</c>: posts to a Microsoft Teams incoming webhook or Workflows webhook (<c>WebhookUrl</c>, a secret).
/// <c>{ text, title? }</c> becomes a MessageCard; <c>format: adaptive-card</c> (or the setting <c>Format</c>)
/// wraps them in an Adaptive Card instead, and <c>card</c> sends a ready-made Adaptive Card.
/// </summary>
public sealed class TeamsConnector(OutboundHttp http) : IConnectorKind
{
    public const string MessageCard = "message-card";
    public const string AdaptiveCard = "adaptive-card";

    public string Kind => "teams";

    public IReadOnlyList<ConnectorOperation> Operations { get; } =
    [
        new("post", "Post a card to the Teams channel of the webhook.", Object(["text"],
            ("text", String("Message text (Markdown).")),
            ("title", String("Card title.")),
            ("themeColor", String("MessageCard accent colour, hex without '#', e.g. D70000.")),
            ("format", Enum("Card format; the connector's Format setting, else message-card, when omitted.", MessageCard, AdaptiveCard)),
            ("card", AnyObject("A complete Adaptive Card (type AdaptiveCard) to send as is; text is then its fallback.")))),
    ];

    public async Task<JsonNode?> ExecuteAsync(ConnectorRequest request, CancellationToken cancellationToken)
    {
        var webhook = request.UrlSetting("WebhookUrl");
        var call = new OutboundCall(HttpMethod.Post, webhook, webhook)
        {
            Content = OutboundCall.Json(Payload(request)),
            Purpose = "the Teams webhook",
        };
        var answer = await http.SendAsync(request, call, cancellationToken);
        return new JsonObject { ["status"] = answer.Status };
    }

    public static JsonObject Payload(ConnectorRequest request)
    {
        var text = request.RequiredString("text");
        var title = request.OptionalString("title");
        var format = request.OptionalString("format") ?? request.OptionalSetting("Format") ?? MessageCard;
        if (request.Input["card"] is JsonObject card)
        {
            return Attachment(card.DeepClone(), text);
        }

        if (format.Equals(AdaptiveCard, StringComparison.OrdinalIgnoreCase))
        {
            var body = new JsonArray();
            if (title is not null)
            {
                body.Add(new JsonObject { ["type"] = "TextBlock", ["text"] = title, ["weight"] = "Bolder", ["size"] = "Medium", ["wrap"] = true });
            }

            body.Add(new JsonObject { ["type"] = "TextBlock", ["text"] = text, ["wrap"] = true });
            return Attachment(new JsonObject
            {
                ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
                ["type"] = "AdaptiveCard",
                ["version"] = "1.4",
                ["body"] = body,
            }, text);
        }

        var message = new JsonObject
        {
            ["@type"] = "MessageCard",
            ["@context"] = "https://schema.org/extensions",
            ["summary"] = title ?? Summary(text),
            ["text"] = text,
        };
        if (title is not null)
        {
            message["title"] = title;
        }

        if (request.OptionalString("themeColor") is { } color)
        {
            message["themeColor"] = color;
        }

        return message;
    }

    private static JsonObject Attachment(JsonNode card, string fallback) => new()
    {
        ["type"] = "message",
        ["summary"] = Summary(fallback),
        ["attachments"] = new JsonArray(new JsonObject
        {
            ["contentType"] = "application/vnd.microsoft.card.adaptive",
            ["contentUrl"] = null,
            ["content"] = card,
        }),
    };

    private static string Summary(string text) => text.Length <= 80 ? text : text[..80] + "…";
}
