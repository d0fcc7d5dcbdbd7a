using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using static Respond.Server.Connectors.Kinds.RecoveryServicesApi;

namespace Respond.Server.Connectors.Kinds;

public sealed partial class AzureBackupConnector
{
    private static readonly string[] SucceededJob = ["Completed", "CompletedWithWarnings"];
    private static readonly string[] FailedJob = ["Failed", "Cancelled"];

    private async Task<(string JobId, string Status, double RestoreSeconds)> RestoreAsync(ConnectorRequest request, string itemPath,
        string recoveryPointId, PollDeadline deadline, JsonObject figures, CancellationToken cancellationToken)
    {
        var body = await RestoreBodyAsync(request, itemPath, recoveryPointId, cancellationToken);
        var started = clock.GetTimestamp();
        var accepted = await api.SendAsync(request, HttpMethod.Post,
            $"{itemPath}/recoveryPoints/{UrlPaths.Segment(request, "the recovery point id", recoveryPointId)}/restore", DefaultApiVersion,
            body, cancellationToken);
        var operation = await api.AwaitOperationAsync(request, accepted, deadline,
            what => TimedOut(request, what, deadline, figures), cancellationToken);
        var jobId = Text(operation?["properties"]?["jobId"]) ?? throw Failed(request,
            "Azure Backup accepted the restore but did not name its job, so its outcome cannot be followed.", figures);
        figures["jobId"] = jobId;

        var jobPath = $"{VaultPath(request)}/backupJobs/{UrlPaths.Segment(request, "the job id", jobId)}";
        var last = await api.SendAsync(request, HttpMethod.Get, jobPath, DefaultApiVersion, null, cancellationToken);
        while (true)
        {
            var job = last.JsonOrText() as JsonObject;
            var status = Text(job?["properties"]?["status"]) ?? "Unknown";
            figures["status"] = status;
            figures["restoreSeconds"] = Seconds(clock.GetElapsedTime(started));
            if (SucceededJob.Contains(status, StringComparer.OrdinalIgnoreCase))
            {
                return (jobId, status, Seconds(clock.GetElapsedTime(started)));
            }

            if (FailedJob.Contains(status, StringComparer.OrdinalIgnoreCase))
            {
                throw Failed(request, $"the restore job {jobId} ended {status}{JobErrors(job)}", figures);
            }

            if (!await api.PauseAsync(request, last, deadline, cancellationToken))
            {
                throw TimedOut(request, $"the restore job {jobId} ({status})", deadline, figures);
            }

            last = await api.SendAsync(request, HttpMethod.Get, jobPath, DefaultApiVersion, null, cancellationToken);
        }
    }

    /// <summary>
    /// An <c>IaasVMRestoreRequest</c> from settings. <c>RecoveryType</c> AlternateLocation (the default) creates a VM named
    /// <c>TargetVirtualMachineName</c> in <c>TargetResourceGroupId</c> on <c>VirtualNetworkId</c>/<c>SubnetId</c>;
    /// RestoreDisks only restores its disks there. Both stage through <c>StorageAccountId</c> in <c>Region</c>.
    /// <c>SourceResourceId</c> (the backed-up VM) is read from the protected item when not set.
    /// </summary>
    private async Task<JsonObject> RestoreBodyAsync(ConnectorRequest request, string itemPath, string recoveryPointId,
        CancellationToken cancellationToken)
    {
        var recoveryType = request.OptionalSetting("RecoveryType") ?? "AlternateLocation";
        if (recoveryType is not ("AlternateLocation" or "RestoreDisks"))
        {
            throw new ConnectorException(
                $"Connector '{request.ConnectorName}': the setting RecoveryType must be AlternateLocation or RestoreDisks.", retryable: false);
        }

        var targetGroup = request.Setting("TargetResourceGroupId").TrimEnd('/');
        var properties = new JsonObject
        {
            ["objectType"] = "IaasVMRestoreRequest",
            ["recoveryPointId"] = recoveryPointId,
            ["recoveryType"] = recoveryType,
            ["sourceResourceId"] = request.OptionalSetting("SourceResourceId") ?? await SourceResourceIdAsync(request, itemPath, cancellationToken),
            ["region"] = request.Setting("Region"),
            ["storageAccountId"] = request.Setting("StorageAccountId"),
            ["targetResourceGroupId"] = targetGroup,
            ["originalStorageAccountOption"] = false,
            ["createNewCloudService"] = false,
            ["encryptionDetails"] = new JsonObject { ["encryptionEnabled"] = false },
        };
        if (recoveryType == "AlternateLocation")
        {
            properties["virtualNetworkId"] = request.Setting("VirtualNetworkId");
            properties["subnetId"] = request.Setting("SubnetId");
            properties["targetVirtualMachineId"] = $"{targetGroup}/providers/Microsoft.Compute/virtualMachines/"
                + (request.OptionalSetting("TargetVirtualMachineName") ?? DefaultVmName(request));
        }

        return new JsonObject { ["properties"] = properties };
    }

    // Stable across the attempts of one step (a retry does not leave a second VM behind), new for each run.
    private static string DefaultVmName(ConnectorRequest request) =>
        "respond-verify-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(request.IdempotencyKey)))[..8];

    private async Task<string> SourceResourceIdAsync(ConnectorRequest request, string itemPath, CancellationToken cancellationToken)
    {
        var item = await api.SendAsync(request, HttpMethod.Get, itemPath, DefaultApiVersion, null, cancellationToken);
        var properties = (item.JsonOrText() as JsonObject)?["properties"];
        return Text(properties?["sourceResourceId"]) ?? Text(properties?["virtualMachineId"]) ?? throw new ConnectorException(
            $"Connector '{request.ConnectorName}' {request.Operation}: the protected item does not say which VM it backs up; set "
                + "SourceResourceId.", retryable: false);
    }

    // AzureIaaSVMJob: errorDetails [{ errorCode, errorString, recommendations }], or extendedInfo.dynamicErrorMessage.
    private static string JobErrors(JsonObject? job)
    {
        var properties = job?["properties"];
        var errors = (properties?["errorDetails"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(e => string.Join(" ", new[]
            {
                Text(e["errorString"]) ?? Text(e["errorTitle"]),
                e["errorCode"] is JsonValue code ? $"(code {code.ToJsonString().Trim('"')})" : null,
                (e["recommendations"] as JsonArray)?.Select(Text).FirstOrDefault(r => r is { Length: > 0 }) is { } advice
                    ? $"Recommended: {advice}" : null,
            }.Where(s => !string.IsNullOrWhiteSpace(s))))
            .Where(s => s.Length > 0)
            .ToList();
        if (errors.Count == 0 && Text(properties?["extendedInfo"]?["dynamicErrorMessage"]) is { Length: > 0 } dynamic)
        {
            errors.Add(dynamic);
        }

        return errors.Count > 0 ? ": " + string.Join("; ", errors) : " (Azure Backup gave no reason).";
    }

    private static ConnectorException TimedOut(ConnectorRequest request, string what, PollDeadline deadline, JsonObject figures) =>
        Failed(request, $"{what} did not finish within the step's time-out of {Seconds(deadline.Limit)} s; it may still be running in "
            + "Azure. Give the step a longer timeout.", figures);
}
