using System.Text.Json.Nodes;
using static Respond.Server.Connectors.InputSchema;

namespace Respond.Server.Connectors.Kinds;

/// <summary>
/// <c>slack</c>: posts to a Slack incoming webhook (<c>WebhookUrl</c>, a secret). Input is Slack's own message
/// format: <c>text</c>, optional <c>blocks</c> (Block Kit), and any other field Slack accepts.
/// </summary>
public sealed class SlackConnector(OutboundHttp http) : IConnectorKind
{
    public string Kind => "slack";

    public IReadOnlyList<ConnectorOperation> Operations { get; } =
    [
        new("post", "Post a message to the Slack channel of the incoming webhook.", Object(["text"], allowOtherProperties: true,
            ("text", String("Message text (mrkdwn); also the notification text when blocks are given.")),
            ("blocks", ArrayOf(AnyObject("A Block Kit block."), "Block Kit layout blocks.")))),
    ];

    public async Task<JsonNode?> ExecuteAsync(ConnectorRequest request, CancellationToken cancellationToken)
    {
        var webhook = request.UrlSetting("WebhookUrl");
        var call = new OutboundCall(HttpMethod.Post, webhook, webhook)
        {
            Content = OutboundCall.Json(request.Input),
            Purpose = "the Slack webhook",
        };
        var answer = await http.SendAsync(request, call, cancellationToken);
        return new JsonObject { ["status"] = answer.Status, ["response"] = answer.ShortReason() };
    }
}
