using System.Text.Json.Nodes;
using static Respond.Server.Connectors.Kinds.RecoveryServicesApi;

namespace Respond.Server.Connectors.Kinds;

public sealed partial class SiteRecoveryConnector
{
    private static readonly string[] FailedStates = ["Failed", "Cancelled", "Suspended"];

    private async Task<JsonNode?> ActAsync(ConnectorRequest request, string action, JsonObject? body, CancellationToken cancellationToken) =>
        await RunJobAsync(request, action, body, api.StartDeadline(request), new JsonObject(), cancellationToken);

    /// <summary>A failover whose RTO is measured: from the request to the job's success, by the injected clock.</summary>
    private async Task<JsonNode?> MeasuredAsync(ConnectorRequest request, string action, string what, JsonObject body,
        CancellationToken cancellationToken)
    {
        var target = DurationInput(request, "rtoTarget") ?? DurationSetting(request, "RtoTarget");
        var figures = new JsonObject();
        if (target is { } limit)
        {
            figures["rtoTargetSeconds"] = Seconds(limit);
        }

        var result = await RunJobAsync(request, action, body, api.StartDeadline(request), figures, cancellationToken);
        var rto = result["elapsedSeconds"]!.GetValue<double>();
        result["rtoSeconds"] = rto;
        result["passed"] = target is not { } goal || rto <= Seconds(goal);
        if (target is { } over && rto > Seconds(over))
        {
            throw new ConnectorException(
                $"Connector '{request.ConnectorName}' {request.Operation}: the {what} took {rto} s (job {Text(result["jobName"])}), over "
                    + $"the RTO target of {Seconds(over)} s.",
                retryable: false)
            { Output = result.DeepClone() };
        }

        return result;
    }

    /// <summary>
    /// Fails back with a planned failover from the recovery site. An item that has failed over must be reprotected
    /// (replicating back to the primary) first; when Site Recovery allows only that, it is done here and reported.
    /// </summary>
    private async Task<JsonNode?> FailbackAsync(ConnectorRequest request, CancellationToken cancellationToken)
    {
        var deadline = api.StartDeadline(request);
        var figures = new JsonObject { ["reprotected"] = false };
        var allowed = AllowedOperations(await ItemPropertiesAsync(request, cancellationToken));
        if (allowed is not null && !allowed.Contains("PlannedFailover") && allowed.Contains("ReverseReplicate"))
        {
            var reprotect = await RunJobAsync(request, "reProtect", Failover("RecoveryToPrimary", request), deadline, new JsonObject(),
                cancellationToken);
            figures["reprotected"] = true;
            figures["reprotectJobName"] = reprotect["jobName"]?.DeepClone();
            figures["reprotectSeconds"] = reprotect["elapsedSeconds"]?.DeepClone();
            allowed = AllowedOperations(await ItemPropertiesAsync(request, cancellationToken));
            if (allowed is not null && !allowed.Contains("PlannedFailover"))
            {
                throw new ConnectorException(
                    $"Connector '{request.ConnectorName}' {request.Operation}: Site Recovery required a reprotect before failing back, so "
                        + $"the item was reprotected (job {Text(figures["reprotectJobName"])}); it does not allow the failback yet (allowed: "
                        + $"{Allowed(allowed)}). Run failback again once replication to the primary has caught up.",
                    retryable: true)
                { Output = figures };
            }
        }
        else if (allowed is not null && !allowed.Contains("PlannedFailover"))
        {
            throw new ConnectorException(
                $"Connector '{request.ConnectorName}' {request.Operation}: Site Recovery does not allow a failback of the item now "
                    + $"(allowed: {Allowed(allowed)}).",
                retryable: false);
        }

        return await RunJobAsync(request, "plannedFailover", Failover("RecoveryToPrimary", request), deadline, figures, cancellationToken);
    }

    private static HashSet<string>? AllowedOperations(JsonNode? properties) => properties?["allowedOperations"] is JsonArray list
        ? list.Select(Text).OfType<string>().ToHashSet(StringComparer.OrdinalIgnoreCase)
        : null;

    private static string Allowed(HashSet<string> allowed) => allowed.Count == 0 ? "nothing" : string.Join(", ", allowed.Order());

    /// <summary>
    /// Posts an action on the item and follows its replication job to the end. Site Recovery names the job after the
    /// operation: the last segment of the <c>Location</c> (…/replicationOperationResults/{job}) or
    /// <c>Azure-AsyncOperation</c> (…/replicationOperationStatus/{job}) it answers with, both refused off the configured host.
    /// </summary>
    private async Task<JsonObject> RunJobAsync(ConnectorRequest request, string action, JsonObject? body, PollDeadline deadline,
        JsonObject figures, CancellationToken cancellationToken)
    {
        var started = clock.GetTimestamp();
        var last = await api.SendAsync(request, HttpMethod.Post, $"{ItemPath(request)}/{action}", DefaultApiVersion, body, cancellationToken);
        var jobName = JobNameOf(request, last);
        var result = (JsonObject)figures.DeepClone();
        result["jobName"] = jobName;
        result["state"] = jobName is null ? "Succeeded" : "NotStarted";
        result["elapsedSeconds"] = Seconds(clock.GetElapsedTime(started));
        while (jobName is not null)
        {
            if (!await api.PauseAsync(request, last, deadline, cancellationToken))
            {
                throw new ConnectorException(
                    $"Connector '{request.ConnectorName}' {request.Operation}: the job {jobName} ({Text(result["state"])}) did not finish "
                        + $"within the step's time-out of {Seconds(deadline.Limit)} s; it may still be running in Azure. Give the step a "
                        + "longer timeout, or follow it with the job operation.",
                    retryable: false)
                { Output = result.DeepClone() };
            }

            last = await api.SendAsync(request, HttpMethod.Get, JobPath(request, jobName), DefaultApiVersion, null, cancellationToken);
            var properties = (last.JsonOrText() as JsonObject)?["properties"];
            var state = Text(properties?["state"]) ?? "Unknown";
            result["state"] = state;
            result["elapsedSeconds"] = Seconds(clock.GetElapsedTime(started));
            if (string.Equals(state, "Succeeded", StringComparison.OrdinalIgnoreCase))
            {
                break;
            }

            if (FailedStates.Contains(state, StringComparer.OrdinalIgnoreCase))
            {
                var errors = JobErrors(properties);
                result["errors"] = new JsonArray([.. errors.Select(e => (JsonNode)e)]);
                throw new ConnectorException(
                    $"Connector '{request.ConnectorName}' {request.Operation}: the job {jobName} ended {state}"
                        + (errors.Count > 0 ? ": " + string.Join("; ", errors) : " (Site Recovery gave no reason)."),
                    retryable: false)
                { Output = result.DeepClone() };
            }
        }

        return result;
    }

    private static string? JobNameOf(ConnectorRequest request, OutboundResponse answer)
    {
        var (asyncOperation, location) = OperationUrls(request, answer);
        var fromBody = Text((answer.JsonOrText() as JsonObject)?["properties"]?["currentScenario"]?["jobId"])?.Split('/')[^1];
        var name = LastSegment(location) ?? LastSegment(asyncOperation) ?? (fromBody is "None" ? null : fromBody);
        if (name is null && answer.Status == 202)
        {
            throw new ConnectorException(
                $"Connector '{request.ConnectorName}' {request.Operation}: Site Recovery accepted the request without naming its job, so "
                    + "its outcome cannot be followed.",
                retryable: false);
        }

        return name;
    }

    private static string? LastSegment(Uri? url) =>
        url?.Segments is [.., var last] && Uri.UnescapeDataString(last.TrimEnd('/')) is { Length: > 0 } name ? name : null;

    /// <summary>
    /// ASR job errors in words: each error's service or provider message, with its code and the recommended action,
    /// from the job and its tasks.
    /// </summary>
    private static List<string> JobErrors(JsonNode? properties)
    {
        var errors = (properties?["errors"] as JsonArray ?? []).Concat((properties?["tasks"] as JsonArray ?? [])
            .SelectMany(t => t?["errors"] as JsonArray ?? []));
        return [.. errors.OfType<JsonObject>().Select(ErrorText).Where(e => e.Length > 0).Distinct(StringComparer.Ordinal)];
    }

    private static string ErrorText(JsonObject error)
    {
        var service = error["serviceErrorDetails"];
        var provider = error["providerErrorDetails"];
        var message = Text(service?["message"]) ?? Text(provider?["errorMessage"]);
        var code = Text(service?["code"]) ?? provider?["errorCode"]?.ToJsonString().Trim('"');
        var action = Text(service?["recommendedAction"]) ?? Text(provider?["recommendedAction"]);
        if (message is null)
        {
            return "";
        }

        return message.TrimEnd('.') + (code is { Length: > 0 } ? $" (code {code})" : "")
            + (action is { Length: > 0 } ? $". Recommended: {action}" : "");
    }
}
