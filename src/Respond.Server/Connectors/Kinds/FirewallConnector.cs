using System.Text.Json.Nodes;
using static Respond.Server.Connectors.InputSchema;

namespace Respond.Server.Connectors.Kinds;

/// <summary>
/// <c>firewall</c>: a generic firewall HTTP API at <c>BaseUrl</c>, with the bearer <c>Token</c>:
/// <c>POST /blocks { ip, reason, durationSeconds }</c> and <c>DELETE /blocks/{ip}</c>.
/// </summary>
public sealed class FirewallConnector(OutboundHttp http) : IConnectorKind
{
    public string Kind => "firewall";

    public IReadOnlyList<ConnectorOperation> Operations { get; } =
    [
        new("block-ip", "Block an IP address or range on the firewall.", Object(["ip"],
            ("ip", String("IP address or CIDR range.")),
            ("reason", String("Why, recorded on the firewall.")),
            ("durationSeconds", Integer("How long the block lasts; the firewall's default when omitted.", minimum: 1)))),
        new("unblock-ip", "Remove the block of an IP address or range.", Object(["ip"],
            ("ip", String("IP address or CIDR range.")))),
    ];

    public async Task<JsonNode?> ExecuteAsync(ConnectorRequest request, CancellationToken cancellationToken)
    {
        var baseUrl = request.UrlSetting("BaseUrl");
        var ip = IpBlockTarget.Parse(request, "ip").ToString();
        if (request.Operation == "unblock-ip")
        {
            var call = Call(request, HttpMethod.Delete, UrlPaths.Combine(baseUrl, $"blocks/{Uri.EscapeDataString(ip)}"), baseUrl, null);
            try
            {
                var deleted = await http.SendAsync(request, call, cancellationToken);
                return new JsonObject { ["status"] = deleted.Status, ["ip"] = ip, ["unblocked"] = true };
            }
            catch (ConnectorException ex) when (ex.StatusCode == 404)
            {
                // Already gone (e.g. the step ran before and its outcome was lost): the goal is reached.
                return new JsonObject { ["status"] = 404, ["ip"] = ip, ["unblocked"] = true };
            }
        }

        var body = new JsonObject
        {
            ["ip"] = ip,
            ["reason"] = request.OptionalString("reason"),
            ["durationSeconds"] = request.OptionalInteger("durationSeconds"),
        };
        var answer = await http.SendAsync(request, Call(request, HttpMethod.Post, UrlPaths.Combine(baseUrl, "blocks"), baseUrl, body),
            cancellationToken);
        return answer.ApiOutput();
    }

    private static OutboundCall Call(ConnectorRequest request, HttpMethod method, Uri target, Uri baseUrl, JsonNode? body) =>
        new(method, target, baseUrl)
        {
            Content = body is null ? null : OutboundCall.Json(body),
            BearerToken = request.Setting("Token"),
            Purpose = "the firewall",
        };
}
