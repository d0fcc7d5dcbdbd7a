using System.Text.Json;
using Respond.Domain.Common;

namespace Respond.Domain.Alerts.Formats;

/// <summary>
/// Microsoft Defender for Cloud / Microsoft Sentinel security alerts in the SecurityAlert shape
/// (<c>SystemAlertId</c>, <c>AlertDisplayName</c>, <c>Entities</c>, …). Accepted as Sentinel's
/// Logic App / automation body (PascalCase), as Defender for Cloud's API and continuous export
/// resource (camelCase fields under <c>properties</c>), and as a Log Analytics SecurityAlert row
/// (<c>AlertName</c>, with <c>Entities</c> and <c>ExtendedProperties</c> as JSON strings).
/// </summary>
public sealed class DefenderParser : IAlertParser
{
    public const string Kind = "defender";

    // Entities reference each other ($ref to another entity's $id) and nest (an account's Host);
    // the walk that finds them all is bounded so a hostile body cannot recurse without end.
    private const int MaxEntityDepth = 8;

    public IReadOnlyList<NormalizedAlert> Parse(string source, JsonElement body)
    {
        JsonRead.RequireObject(body, Kind);
        var alert = AlertObject(body);

        var systemAlertId = Text(alert, "SystemAlertId")
            ?? throw new AlertFormatException("Defender security alert has no 'SystemAlertId'.");
        var title = Text(alert, "AlertDisplayName") ?? Text(alert, "DisplayName") ?? Text(alert, "AlertName")
            ?? throw new AlertFormatException("Defender security alert has no 'AlertDisplayName'.");
        var alertType = Text(alert, "AlertType") ?? Text(alert, "AlertName") ?? title;

        // Resolved and Dismissed close the alert; New, Active and InProgress keep it firing.
        var statusText = Text(alert, "Status");
        var resolved = statusText is not null
            && (statusText.Equals("Resolved", StringComparison.OrdinalIgnoreCase)
                || statusText.Equals("Dismissed", StringComparison.OrdinalIgnoreCase));

        var compromisedEntity = Text(alert, "CompromisedEntity");
        var entities = Entities(alert, compromisedEntity);

        // Without a compromised entity, fall back to what the alert names so unrelated alerts of the
        // same type do not all pile into one incident; the alert itself is the last resort.
        var correlationSubject = compromisedEntity
            ?? entities.Hosts.FirstOrDefault()
            ?? entities.Resources.FirstOrDefault()
            ?? systemAlertId;

        return
        [
            new NormalizedAlert
            {
                Source = source,
                Kind = Kind,
                ExternalId = systemAlertId,

                // The contract's duplicate key is SystemAlertId. Defender re-sends the same id when the
                // alert is resolved or dismissed, so that state gets its own key: otherwise the
                // resolution would be dropped as a duplicate of the firing delivery.
                DedupKey = resolved ? systemAlertId + "|resolved" : systemAlertId,
                CorrelationKey = (correlationSubject + "|" + alertType).ToLowerInvariant(),
                Title = JsonRead.Title(title),
                Description = Text(alert, "Description"),
                Severity = MapSeverity(Text(alert, "Severity")),
                Status = resolved ? AlertStatus.Resolved : AlertStatus.Firing,
                FiredAt = Time(alert, "StartTimeUtc") ?? Time(alert, "StartTime") ?? Time(alert, "TimeGenerated") ?? Time(alert, "TimeGeneratedUtc"),

                // SecurityAlert has no resolution time; the end of the suspicious activity is the
                // nearest thing it carries, and it is only meaningful once the alert is closed.
                ResolvedAt = resolved ? Time(alert, "EndTimeUtc") ?? Time(alert, "EndTime") : null,
                Category = alertType,
                Entities = entities,
                Labels = Labels(alert, alertType, statusText),
                Raw = body.Clone(),
            },
        ];
    }

    /// <summary>High/Medium/Low/Informational (and Critical, which newer Defender products send).</summary>
    public static Severity MapSeverity(string? severity) =>
        SeverityNames.TryParse(severity, out var mapped) ? mapped : Severity.Medium;

    /// <summary>
    /// The object that holds the alert's fields: the body itself, or its <c>properties</c> when the
    /// body is a Defender for Cloud ARM resource (<c>{ id, name, type, properties: { … } }</c>).
    /// </summary>
    private static JsonElement AlertObject(JsonElement body)
    {
        if (Text(body, "SystemAlertId") is null
            && JsonRead.Object(JsonRead.PropIgnoreCase(body, "properties")) is { } properties
            && Text(properties, "SystemAlertId") is not null)
        {
            return properties;
        }

        return body;
    }

    private static EntitySet Entities(JsonElement alert, string? compromisedEntity)
    {
        var hosts = new List<string>();
        var accounts = new List<string>();
        var ips = new List<string>();
        var resources = new List<string>();

        if (JsonRead.Array(JsonRead.Embedded(JsonRead.PropIgnoreCase(alert, "Entities"))) is { } items)
        {
            foreach (var item in items.EnumerateArray())
            {
                Collect(item, 0, hosts, accounts, ips, resources);
            }
        }

        // ResourceIdentifiers: [{ "Type": "AzureResource", "AzureResourceId": "/subscriptions/…" }, …]
        if (JsonRead.Array(JsonRead.Embedded(JsonRead.PropIgnoreCase(alert, "ResourceIdentifiers"))) is { } identifiers)
        {
            foreach (var identifier in identifiers.EnumerateArray())
            {
                resources.AddIfPresent(Text(identifier, "AzureResourceId"));
            }
        }

        resources.AddIfPresent(Text(alert, "AzureResourceId") ?? Text(alert, "ResourceId"));

        // The compromised entity is usually the machine's name; it stands in for a host only when
        // the alert names no host of its own (it may be a resource id, which is a resource).
        if (compromisedEntity is not null && hosts.Count == 0)
        {
            (compromisedEntity.StartsWith("/subscriptions/", StringComparison.OrdinalIgnoreCase) ? resources : hosts)
                .Add(compromisedEntity);
        }

        return EntitySet.Of(hosts, accounts, ips, resources);
    }

    /// <summary>
    /// Reads one entity by its <c>Type</c>, then looks inside its members for nested entities
    /// (an account's <c>Host</c>, a process's <c>ImageFile</c>). <c>{ "$ref": "3" }</c>
    /// back-references carry nothing of their own: the entity they point at is read where it is
    /// defined, so they are skipped.
    /// </summary>
    private static void Collect(
        JsonElement entity, int depth, List<string> hosts, List<string> accounts, List<string> ips, List<string> resources)
    {
        if (depth > MaxEntityDepth || entity.ValueKind != JsonValueKind.Object || JsonRead.Prop(entity, "$ref") is not null)
        {
            return;
        }

        switch (Text(entity, "Type")?.ToLowerInvariant())
        {
            case "host":
                var hostName = Text(entity, "HostName") ?? Text(entity, "NetBiosName");
                var dnsDomain = Text(entity, "DnsDomain");
                hosts.AddIfPresent(hostName is not null && dnsDomain is not null && !hostName.Contains('.', StringComparison.Ordinal)
                    ? hostName + "." + dnsDomain
                    : hostName ?? Text(entity, "FQDN"));
                break;
            case "account":
                var name = Text(entity, "Name");
                var upnSuffix = Text(entity, "UPNSuffix");
                accounts.AddIfPresent(name is not null && upnSuffix is not null && !name.Contains('@', StringComparison.Ordinal)
                    ? name + "@" + upnSuffix
                    : name ?? Text(entity, "UserPrincipalName") ?? Text(entity, "DisplayName"));
                break;
            case "ip":
                ips.AddIfPresent(JsonRead.Ip(Text(entity, "Address")));
                break;
            case "azure-resource" or "azureresource" or "resource":
                resources.AddIfPresent(Text(entity, "ResourceId") ?? Text(entity, "AzureResourceId"));
                break;
        }

        foreach (var member in entity.EnumerateObject())
        {
            if (member.Value.ValueKind == JsonValueKind.Object)
            {
                Collect(member.Value, depth + 1, hosts, accounts, ips, resources);
            }
            else if (member.Value.ValueKind == JsonValueKind.Array)
            {
                foreach (var nested in member.Value.EnumerateArray())
                {
                    Collect(nested, depth + 1, hosts, accounts, ips, resources);
                }
            }
        }
    }

    private static Dictionary<string, string> Labels(JsonElement alert, string alertType, string? status)
    {
        // Extended properties hold the detection's own evidence ("Attacker source IP", "Failed
        // attempts", …), useful to playbooks. The alert's main fields are written last and win.
        var labels = JsonRead.TextMap(JsonRead.Object(JsonRead.Embedded(JsonRead.PropIgnoreCase(alert, "ExtendedProperties"))));
        labels["AlertType"] = alertType;
        foreach (var name in new[] { "Severity", "ProductName", "ProductComponentName", "VendorName", "Intent", "AlertUri" })
        {
            if (Text(alert, name) is { } value)
            {
                labels[name] = value;
            }
        }

        if (status is not null)
        {
            labels["Status"] = status;
        }

        return labels;
    }

    private static string? Text(JsonElement obj, string name) => JsonRead.Text(JsonRead.PropIgnoreCase(obj, name));

    private static DateTimeOffset? Time(JsonElement obj, string name) => JsonRead.Time(Text(obj, name));
}
