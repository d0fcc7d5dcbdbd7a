using System.Text.Json.Nodes;
using WireMock.Server;

namespace Respond.Server.Tests.Connectors;

/// <summary>A Recovery Services vault with one replicated item, in Azure Site Recovery's REST shapes, on a local server.</summary>
public static class FakeSiteRecovery
{
    public const string Vault = "/subscriptions/sub-0001/resourceGroups/rg-dr/providers/Microsoft.RecoveryServices/vaults/vault-dr";
    public const string Item = Vault + "/replicationFabrics/asr-a2a-default-westeurope/replicationProtectionContainers"
        + "/asr-a2a-default-westeurope-container/replicationProtectedItems/vm-app";
    public const string TestNetwork = "/subscriptions/sub-0001/resourceGroups/rg-dr/providers/Microsoft.Network/virtualNetworks/vnet-drill";

    /// <summary>The connector's settings for that vault and item, its token endpoint on the same server.</summary>
    public static Dictionary<string, string?> Settings(string name, WireMockServer arm)
    {
        var settings = FakeTokenEndpoint.Settings(name, "site-recovery", arm);
        foreach (var (key, value) in new Dictionary<string, string>
        {
            ["SubscriptionId"] = "sub-0001",
            ["ResourceGroup"] = "rg-dr",
            ["VaultName"] = "vault-dr",
            ["FabricName"] = "asr-a2a-default-westeurope",
            ["ProtectionContainerName"] = "asr-a2a-default-westeurope-container",
            ["ReplicatedItemName"] = "vm-app",
            ["RecoveryNetworkId"] = TestNetwork,
            ["InstanceType"] = "A2A",
            ["PollInterval"] = "PT0.05S",
        })
        {
            settings[$"Respond:Connectors:{name}:{key}"] = value;
        }

        return settings;
    }

    /// <summary>POST on the item's <paramref name="action"/> answers 202, its job <paramref name="job"/>.</summary>
    public static void AcceptsAction(this WireMockServer arm, string action, string job) => arm.Accepts($"{Item}/{action}",
        $"{arm.Url}{Vault}/replicationOperationStatus/{job}?api-version=2026-05-01",
        $"{arm.Url}{Vault}/replicationOperationResults/{job}?api-version=2026-05-01");

    /// <summary>Each state is one poll's answer; a state that is JSON is the properties of a Failed job.</summary>
    public static void ServesJob(this WireMockServer arm, string job, params string[] states) =>
        arm.AnswersInTurn($"{Vault}/replicationJobs/{job}", [.. states.Select(s =>
        {
            var properties = s.StartsWith('{') ? JsonNode.Parse(s)!.AsObject() : new JsonObject();
            properties["state"] = s.StartsWith('{') ? "Failed" : s;
            properties["scenarioName"] = "TestFailover";
            properties["friendlyName"] = "Test failover";
            properties["startTime"] = "2026-12-06T10:00:00Z";
            return new JsonObject { ["id"] = $"{Vault}/replicationJobs/{job}", ["name"] = job, ["properties"] = properties }.ToJsonString();
        })]);

    public static string ItemBody(string activeLocation, params string[] allowed) => new JsonObject
    {
        ["id"] = Item,
        ["name"] = "vm-app",
        ["properties"] = new JsonObject
        {
            ["friendlyName"] = "vm-app",
            ["activeLocation"] = activeLocation,
            ["allowedOperations"] = new JsonArray([.. allowed.Select(a => (JsonNode)a)]),
            ["protectionState"] = "Protected",
            ["replicationHealth"] = "Normal",
            ["failoverHealth"] = "Normal",
            ["healthErrors"] = new JsonArray(),
            ["currentScenario"] = new JsonObject { ["scenarioName"] = "None", ["jobId"] = Vault + "/replicationJobs/None" },
        },
    }.ToJsonString();
}
