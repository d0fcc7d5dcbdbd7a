using System.Text.Json.Nodes;
using static Respond.Server.Connectors.InputSchema;
using static Respond.Server.Connectors.Kinds.RecoveryServicesApi;

namespace Respond.Server.Connectors.Kinds;

/// <summary>
/// <c>site-recovery</c>: drills and failovers of one Azure Site Recovery replicated item, through the Site Recovery
/// API. Each action is followed to the end of its replication job, and reports <c>{ jobName, state, elapsedSeconds }</c>;
/// test-failover and failover also measure the RTO against <c>rtoTarget</c>. Settings: those of
/// <see cref="RecoveryServicesApi"/> and <see cref="MicrosoftApi"/>, <c>FabricName</c>, <c>ProtectionContainerName</c>,
/// <c>ReplicatedItemName</c>, <c>RecoveryNetworkId</c> (the test failover's network), optional <c>RtoTarget</c> and
/// <c>InstanceType</c> (the replication provider, e.g. A2A, sent as <c>providerSpecificDetails.instanceType</c>).
/// </summary>
public sealed partial class SiteRecoveryConnector(MicrosoftApi microsoft, TimeProvider clock) : IConnectorKind
{
    public const string DefaultApiVersion = "2026-05-01";

    private readonly RecoveryServicesApi api = new(microsoft, clock);

    public string Kind => "site-recovery";

    public IReadOnlyList<ConnectorOperation> Operations { get; } =
    [
        new("health", "Read the replicated item's replication health and where it is running.", Object([],
            ("expect", Enum("Fail unless the item is active at this location.", "primary", "recovery")))),
        new("test-failover", "Start a test failover into RecoveryNetworkId and measure the RTO to the job's success.", Object([],
            ("rtoTarget", String("ISO-8601 RTO target, e.g. PT15M; the RtoTarget setting when omitted. Over it, the step fails.")))),
        new("test-failover-cleanup", "Clean up after a test failover (deletes the test VM).", Object([],
            ("comments", String("Comments recorded with the cleanup.")))),
        new("failover", "Fail over to the recovery site (unplanned) and measure the RTO to the job's success.", Object([],
            ("rtoTarget", String("ISO-8601 RTO target, e.g. PT15M; the RtoTarget setting when omitted. Over it, the step fails.")))),
        new("commit-failover", "Commit a failover, so the item can be reprotected.", Object([])),
        new("failback", "Fail back to the primary site (planned failover); reprotects first when Site Recovery requires it.", Object([])),
        new("job", "Read one replication job.", Object(["jobName"],
            ("jobName", String("The replication job's name (its id).")))),
    ];

    public Task<JsonNode?> ExecuteAsync(ConnectorRequest request, CancellationToken cancellationToken) => request.Operation switch
    {
        "health" => HealthAsync(request, cancellationToken),
        "job" => ReadJobAsync(request, cancellationToken),
        "test-failover" => MeasuredAsync(request, "testFailover", "test failover", Failover("PrimaryToRecovery", request, new JsonObject
        {
            ["networkType"] = "VmNetworkAsInput",
            ["networkId"] = request.Setting("RecoveryNetworkId"),
        }), cancellationToken),
        "test-failover-cleanup" => ActAsync(request, "testFailoverCleanup", new JsonObject
        {
            ["properties"] = new JsonObject { ["comments"] = request.OptionalString("comments") ?? "Test failover cleaned up by Respond." },
        }, cancellationToken),
        "failover" => MeasuredAsync(request, "unplannedFailover", "failover", Failover("PrimaryToRecovery", request, new JsonObject
        {
            ["sourceSiteOperations"] = "NotRequired",
        }), cancellationToken),
        "commit-failover" => ActAsync(request, "failoverCommit", null, cancellationToken),
        "failback" => FailbackAsync(request, cancellationToken),
        _ => throw InputValues.Refused(request, "unknown operation."),
    };

    private string ItemPath(ConnectorRequest request) => string.Join('/', VaultPath(request),
        "replicationFabrics", SettingSegment(request, "FabricName"),
        "replicationProtectionContainers", SettingSegment(request, "ProtectionContainerName"),
        "replicationProtectedItems", SettingSegment(request, "ReplicatedItemName"));

    // { properties: { failoverDirection, …, providerSpecificDetails: { instanceType } } }, the shape of every failover input.
    private static JsonObject Failover(string direction, ConnectorRequest request, JsonObject? more = null)
    {
        var properties = new JsonObject { ["failoverDirection"] = direction };
        foreach (var (name, value) in more ?? [])
        {
            properties[name] = value?.DeepClone();
        }

        if (request.OptionalSetting("InstanceType") is { } instanceType)
        {
            properties["providerSpecificDetails"] = new JsonObject { ["instanceType"] = instanceType };
        }

        return new JsonObject { ["properties"] = properties };
    }

    private async Task<JsonNode?> HealthAsync(ConnectorRequest request, CancellationToken cancellationToken)
    {
        var properties = await ItemPropertiesAsync(request, cancellationToken);
        var replicationHealth = Text(properties?["replicationHealth"]);
        var activeLocation = Text(properties?["activeLocation"]);
        var health = new JsonObject
        {
            ["replicationHealth"] = replicationHealth,
            ["activeLocation"] = activeLocation,
            ["protectionState"] = Text(properties?["protectionState"]),
            ["failoverHealth"] = Text(properties?["failoverHealth"]),
            ["healthy"] = string.Equals(replicationHealth, "Normal", StringComparison.OrdinalIgnoreCase),
            ["healthErrors"] = new JsonArray([.. (properties?["healthErrors"] as JsonArray ?? []).OfType<JsonObject>()
                .Select(e => Text(e["errorMessage"]) ?? Text(e["summaryMessage"])).OfType<string>().Select(m => (JsonNode)m)]),
        };
        if (request.OptionalString("expect") is { } expected && !string.Equals(expected, activeLocation, StringComparison.OrdinalIgnoreCase))
        {
            throw new ConnectorException(
                $"Connector '{request.ConnectorName}' {request.Operation}: the item is active at {activeLocation ?? "no location"}, "
                    + $"not {expected} (replication health {replicationHealth ?? "unknown"}).",
                retryable: false)
            { Output = health };
        }

        return health;
    }

    private async Task<JsonNode?> ReadJobAsync(ConnectorRequest request, CancellationToken cancellationToken)
    {
        var jobName = request.RequiredString("jobName");
        var answer = await api.SendAsync(request, HttpMethod.Get, JobPath(request, jobName), DefaultApiVersion, null, cancellationToken);
        var properties = (answer.JsonOrText() as JsonObject)?["properties"];
        return new JsonObject
        {
            ["jobName"] = jobName,
            ["state"] = Text(properties?["state"]),
            ["stateDescription"] = Text(properties?["stateDescription"]),
            ["scenarioName"] = Text(properties?["scenarioName"]),
            ["friendlyName"] = Text(properties?["friendlyName"]),
            ["startTime"] = Text(properties?["startTime"]),
            ["endTime"] = Text(properties?["endTime"]),
            ["errors"] = new JsonArray([.. JobErrors(properties).Select(e => (JsonNode)e)]),
        };
    }

    private async Task<JsonNode?> ItemPropertiesAsync(ConnectorRequest request, CancellationToken cancellationToken)
    {
        var answer = await api.SendAsync(request, HttpMethod.Get, ItemPath(request), DefaultApiVersion, null, cancellationToken);
        return (answer.JsonOrText() as JsonObject)?["properties"];
    }

    private static string JobPath(ConnectorRequest request, string jobName) =>
        $"{VaultPath(request)}/replicationJobs/{UrlPaths.Segment(request, "the job name", jobName)}";
}
