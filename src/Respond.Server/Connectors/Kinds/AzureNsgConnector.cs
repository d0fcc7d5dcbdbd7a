using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using static Respond.Server.Connectors.InputSchema;

namespace Respond.Server.Connectors.Kinds;

/// <summary>
/// <c>azure-nsg</c>: blocks an IP with a Deny security rule on one network security group, through Azure
/// Resource Manager. Settings: <c>SubscriptionId</c>, <c>ResourceGroup</c>, <c>NetworkSecurityGroup</c>, optional
/// <c>MinPriority</c>/<c>MaxPriority</c> (default 100–4096), and those of <see cref="MicrosoftApi"/>.
/// The rule name and priority derive from the IP, so a repeated step updates the same rule.
/// </summary>
public sealed partial class AzureNsgConnector(MicrosoftApi api) : IConnectorKind
{
    public const string ApiVersion = "2023-09-01";

    public string Kind => "azure-nsg";

    public IReadOnlyList<ConnectorOperation> Operations { get; } =
    [
        new("block-ip", "Add (or update) a rule denying all traffic from (or to) an IP address or range.", Object(["ip"],
            ("ip", String("IP address or CIDR range.")),
            ("ruleName", String("Security rule name; respond-deny-{direction}-{ip} when omitted.")),
            ("priority", Integer("Rule priority, 100-4096; derived from the IP within MinPriority..MaxPriority when omitted.", 100, 4096)),
            ("direction",
                Enum("Inbound (deny traffic from the IP) or Outbound (deny traffic to it); Inbound when omitted.", "Inbound", "Outbound")))),
        new("unblock-ip", "Delete the rule block-ip added for an IP address or range.", Object(["ip"],
            ("ip", String("IP address or CIDR range.")),
            ("ruleName", String("Security rule name, when block-ip was given one.")),
            ("direction", Enum("The direction block-ip used; Inbound when omitted.", "Inbound", "Outbound")))),
    ];

    public async Task<JsonNode?> ExecuteAsync(ConnectorRequest request, CancellationToken cancellationToken)
    {
        var ip = IpBlockTarget.Parse(request, "ip");
        var direction = request.OptionalString("direction") ?? "Inbound";
        var ruleName = request.OptionalString("ruleName")
            ?? $"respond-deny-{direction.ToLowerInvariant()}-{NonNameCharacters().Replace(ip.ToString(), "-")}";
        if (!RuleNamePattern().IsMatch(ruleName))
        {
            throw InputValues.Refused(request, "input.ruleName must be 1-80 letters, digits, '_', '.' or '-', starting with a letter or digit.");
        }

        var path = string.Join('/', "subscriptions", UrlPaths.Segment(request, "the setting SubscriptionId", request.Setting("SubscriptionId")),
            "resourceGroups", UrlPaths.Segment(request, "the setting ResourceGroup", request.Setting("ResourceGroup")),
            "providers/Microsoft.Network/networkSecurityGroups",
                UrlPaths.Segment(request, "the setting NetworkSecurityGroup", request.Setting("NetworkSecurityGroup")),
            "securityRules", Uri.EscapeDataString(ruleName)) + $"?api-version={ApiVersion}";
        if (request.Operation == "unblock-ip")
        {
            var deleted = await api.SendAsync(request, MicrosoftService.ResourceManager, HttpMethod.Delete, path, null, cancellationToken);
            return new JsonObject { ["status"] = deleted.Status, ["ruleName"] = ruleName, ["ip"] = ip.ToString() };
        }

        var inbound = direction == "Inbound";
        var rule = new JsonObject
        {
            ["properties"] = new JsonObject
            {
                ["description"] = "Blocked by Respond",
                ["access"] = "Deny",
                ["direction"] = direction,
                ["protocol"] = "*",
                ["sourceAddressPrefix"] = inbound ? ip.ToString() : "*",
                ["sourcePortRange"] = "*",
                ["destinationAddressPrefix"] = inbound ? "*" : ip.ToString(),
                ["destinationPortRange"] = "*",
                ["priority"] = request.OptionalInteger("priority") ?? DerivedPriority(request, ip),
            },
        };
        var answer = await api.SendAsync(request, MicrosoftService.ResourceManager, HttpMethod.Put, path, rule, cancellationToken);
        return answer.ApiOutput();
    }

    // Two rules of one direction may not share a priority, so each IP gets its own, stable across retries.
    private static int DerivedPriority(ConnectorRequest request, IpBlockTarget ip)
    {
        var min = Math.Clamp(request.IntegerSetting("MinPriority", 100), 100, 4096);
        var max = Math.Clamp(request.IntegerSetting("MaxPriority", 4096), min, 4096);
        var hash = BitConverter.ToUInt32(SHA256.HashData(Encoding.UTF8.GetBytes(ip.ToString())), 0);
        return min + (int)(hash % (uint)(max - min + 1));
    }

    [GeneratedRegex("[^A-Za-z0-9]")]
    private static partial Regex NonNameCharacters();

    [GeneratedRegex("^[A-Za-z0-9]([A-Za-z0-9_.-]{0,78}[A-Za-z0-9_])?$")]
    private static partial Regex RuleNamePattern();
}
