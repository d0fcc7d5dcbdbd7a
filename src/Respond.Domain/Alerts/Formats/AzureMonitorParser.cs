using System.Text.Json;
using Respond.Domain.Common;

namespace Respond.Domain.Alerts.Formats;

/// <summary>
/// Azure Monitor action-group webhooks in the common alert schema
/// (<c>schemaId: azureMonitorCommonAlertSchema</c>): metric, log search, activity log and smart
/// detection alerts all share <c>data.essentials</c>, which is all this parser needs.
/// </summary>
public sealed class AzureMonitorParser : IAlertParser
{
    public const string Kind = "azure-monitor";
    public const string SchemaId = "azureMonitorCommonAlertSchema";

    // Log search alerts split by dimension name the machine, account or address in alertContext;
    // these are the dimension names (Log Analytics columns) worth lifting into entities.
    private static readonly string[] HostDimensions = ["Computer", "HostName", "Host", "DeviceName"];
    private static readonly string[] AccountDimensions = ["Account", "UserPrincipalName", "TargetAccount", "UserName"];
    private static readonly string[] IpDimensions = ["IpAddress", "IPAddress", "ClientIP", "CallerIpAddress", "SourceIp", "RemoteIP"];

    public IReadOnlyList<NormalizedAlert> Parse(string source, JsonElement body)
    {
        JsonRead.RequireObject(body, Kind);

        var schemaId = JsonRead.Text(JsonRead.Prop(body, "schemaId"));
        if (!string.Equals(schemaId, SchemaId, StringComparison.OrdinalIgnoreCase))
        {
            throw new AlertFormatException(schemaId is null
                ? $"Not an Azure Monitor common alert schema body: 'schemaId' is missing (expected '{SchemaId}'; enable the common alert schema " +
                    "on the action group)."
                : $"Not an Azure Monitor common alert schema body: 'schemaId' is '{Short(schemaId)}', expected '{SchemaId}'.");
        }

        var data = JsonRead.Object(JsonRead.Prop(body, "data"))
            ?? throw new AlertFormatException("Azure Monitor alert has no 'data' object.");
        var essentials = JsonRead.Object(JsonRead.Prop(data, "essentials"))
            ?? throw new AlertFormatException("Azure Monitor alert has no 'data.essentials' object.");

        var alertId = JsonRead.Text(JsonRead.Prop(essentials, "alertId"))
            ?? throw new AlertFormatException("Azure Monitor alert has no 'data.essentials.alertId'.");
        var alertRule = JsonRead.Text(JsonRead.Prop(essentials, "alertRule"))
            ?? throw new AlertFormatException("Azure Monitor alert has no 'data.essentials.alertRule'.");

        // Only "Resolved" resolves; "Fired" and anything Azure may add later keep the alert firing,
        // and the dedup key uses the canonical word so a redelivery always builds the same key.
        var resolved = string.Equals(
            JsonRead.Text(JsonRead.Prop(essentials, "monitorCondition")), "Resolved", StringComparison.OrdinalIgnoreCase);
        var condition = resolved ? "Resolved" : "Fired";

        var severityText = JsonRead.Text(JsonRead.Prop(essentials, "severity"));
        var signalType = JsonRead.Text(JsonRead.Prop(essentials, "signalType"));
        var monitoringService = JsonRead.Text(JsonRead.Prop(essentials, "monitoringService"));
        var targets = JsonRead.Texts(JsonRead.Prop(essentials, "alertTargetIDs"));
        var configurationItems = JsonRead.Texts(JsonRead.Prop(essentials, "configurationItems"));

        var alert = new NormalizedAlert
        {
            Source = source,
            Kind = Kind,
            ExternalId = alertId,
            DedupKey = alertId + "|" + condition,
            CorrelationKey = alertRule + "|" + string.Join(",", targets
                .Select(t => t.ToLowerInvariant())
                .Distinct(StringComparer.Ordinal)
                .Order(StringComparer.Ordinal)),
            Title = JsonRead.Title(alertRule),
            Description = JsonRead.Text(JsonRead.Prop(essentials, "description")),
            Severity = MapSeverity(severityText),
            Status = resolved ? AlertStatus.Resolved : AlertStatus.Firing,
            FiredAt = JsonRead.Time(JsonRead.Text(JsonRead.Prop(essentials, "firedDateTime"))),
            ResolvedAt = resolved ? JsonRead.Time(JsonRead.Text(JsonRead.Prop(essentials, "resolvedDateTime"))) : null,
            Category = signalType ?? monitoringService,
            Entities = Entities(targets, configurationItems, JsonRead.Object(JsonRead.Prop(data, "alertContext"))),
            Labels = Labels(essentials, JsonRead.Prop(data, "customProperties"), condition),
            Raw = body.Clone(),
        };
        return [alert];
    }

    /// <summary>Sev0..Sev4 → critical..informational; an unknown value is not worth losing the alert over.</summary>
    public static Severity MapSeverity(string? severity) => severity?.Trim().ToLowerInvariant() switch
    {
        "sev0" => Severity.Critical,
        "sev1" => Severity.High,
        "sev2" => Severity.Medium,
        "sev3" => Severity.Low,
        "sev4" => Severity.Informational,
        _ => Severity.Medium,
    };

    private static EntitySet Entities(List<string> targets, List<string> configurationItems, JsonElement? alertContext)
    {
        // configurationItems are usually machine or resource names; log alerts sometimes list the
        // full resource id there, which belongs with the resources, not the hosts.
        var hosts = configurationItems.Where(c => !IsResourceId(c)).ToList();
        var resources = targets.Concat(configurationItems.Where(IsResourceId)).ToList();
        var accounts = new List<string>();
        var ips = new List<string>();

        foreach (var (name, value) in Dimensions(alertContext))
        {
            if (HostDimensions.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                hosts.Add(value);
            }
            else if (AccountDimensions.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                accounts.Add(value);
            }
            else if (IpDimensions.Contains(name, StringComparer.OrdinalIgnoreCase) && JsonRead.Ip(value) is { } ip)
            {
                ips.Add(ip);
            }
        }

        return EntitySet.Of(hosts, accounts, ips, resources);
    }

    /// <summary>The name/value dimension pairs of <c>alertContext.condition.allOf[*].dimensions</c>.</summary>
    private static IEnumerable<(string Name, string Value)> Dimensions(JsonElement? alertContext)
    {
        var allOf = JsonRead.Array(JsonRead.Prop(JsonRead.Prop(alertContext, "condition"), "allOf"));
        if (allOf is null)
        {
            yield break;
        }

        foreach (var criterion in allOf.Value.EnumerateArray())
        {
            if (JsonRead.Array(JsonRead.Prop(criterion, "dimensions")) is not { } dimensions)
            {
                continue;
            }

            foreach (var dimension in dimensions.EnumerateArray())
            {
                if (JsonRead.Text(JsonRead.Prop(dimension, "name")) is { } name
                    && JsonRead.Text(JsonRead.Prop(dimension, "value")) is { } value)
                {
                    yield return (name, value);
                }
            }
        }
    }

    private static Dictionary<string, string> Labels(JsonElement essentials, JsonElement? customProperties, string condition)
    {
        // Custom properties are the operator's own key/value pairs on the rule; the essentials
        // written after them win, so a custom property cannot disguise the alert's real severity.
        var labels = JsonRead.TextMap(customProperties);
        foreach (var name in new[] { "alertRule", "severity", "signalType", "monitoringService", "targetResourceType" })
        {
            if (JsonRead.Text(JsonRead.Prop(essentials, name)) is { } value)
            {
                labels[name] = value;
            }
        }

        labels["monitorCondition"] = condition;
        return labels;
    }

    private static bool IsResourceId(string value) => value.StartsWith("/subscriptions/", StringComparison.OrdinalIgnoreCase);

    private static string Short(string value) => value.Length <= 64 ? value : value[..64] + "…";
}
