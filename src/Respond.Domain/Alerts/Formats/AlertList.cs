using System.Globalization;
using System.Text;
using System.Text.Json;
using Respond.Domain.Common;

namespace Respond.Domain.Alerts.Formats;

/// <summary>
/// The mapping shared by the Prometheus Alertmanager and Grafana alerting webhooks: both post one
/// group of alerts (<c>groupKey</c>, <c>alerts[]</c> of labels, annotations, <c>startsAt</c>,
/// <c>endsAt</c>, <c>fingerprint</c>), and each element becomes its own normalised alert.
/// </summary>
internal static class AlertList
{
    private static readonly string[] HostLabels = ["host", "hostname", "node", "nodename"];
    private static readonly string[] IpLabels = ["ip", "src_ip", "source_ip", "client_ip", "address"];
    private static readonly string[] AccountLabels = ["user", "username", "account", "upn"];
    private static readonly string[] ResourceLabels = ["resource", "resource_id", "azure_resource_id"];

    /// <param name="what">The format's name for error messages ("Alertmanager webhook").</param>
    /// <param name="deliveryTitle">A title for alerts that have neither a summary nor an alertname.</param>
    public static IReadOnlyList<NormalizedAlert> Parse(
        string kind, string what, string source, JsonElement body, string? deliveryTitle)
    {
        var alertsProperty = JsonRead.Prop(body, "alerts");
        if (JsonRead.Array(alertsProperty) is not { } alerts)
        {
            throw new AlertFormatException(
                $"Not a {what} body: 'alerts' is {JsonRead.Describe(alertsProperty)}, expected an array of alerts.");
        }

        if (alerts.GetArrayLength() == 0)
        {
            throw new AlertFormatException($"The {what} body's 'alerts' array is empty.");
        }

        var deliveryStatus = JsonRead.Text(JsonRead.Prop(body, "status"));
        var groupKey = JsonRead.Text(JsonRead.Prop(body, "groupKey"))
            ?? DerivedGroupKey(JsonRead.TextMap(JsonRead.Prop(body, "groupLabels")));

        var result = new List<NormalizedAlert>(alerts.GetArrayLength());
        var index = 0;
        foreach (var element in alerts.EnumerateArray())
        {
            result.Add(One(kind, source, element, index++, deliveryStatus, groupKey, deliveryTitle, what));
        }

        return result;
    }

    /// <summary>Label <c>severity</c>: critical, error/high, warning, info; anything else is medium.</summary>
    public static Severity MapSeverity(string? severity) => severity?.Trim().ToLowerInvariant() switch
    {
        "critical" => Severity.Critical,
        "error" or "high" => Severity.High,
        "warning" => Severity.Medium,
        "info" => Severity.Low,
        _ => Severity.Medium,
    };

    private static NormalizedAlert One(
        string kind, string source, JsonElement element, int index, string? deliveryStatus, string? groupKey,
        string? deliveryTitle, string what)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new AlertFormatException($"The {what} body's alerts[{index}] is {JsonRead.Describe(element)}, expected an object.");
        }

        var rawLabels = JsonRead.Prop(element, "labels");
        var labels = JsonRead.TextMap(rawLabels);
        var annotations = JsonRead.TextMap(JsonRead.Prop(element, "annotations"));

        // Alertmanager and Grafana always send a fingerprint; for senders that imitate the format
        // without one, compute it the way Prometheus does, so the same labels give the same id.
        var fingerprint = JsonRead.Text(JsonRead.Prop(element, "fingerprint"))
            ?? (labels.Count > 0 ? LabelFingerprint(rawLabels!.Value) : null)
            ?? throw new AlertFormatException($"The {what} body's alerts[{index}] has neither a 'fingerprint' nor any 'labels'.");

        var title = annotations.GetValueOrDefault("summary") ?? labels.GetValueOrDefault("alertname") ?? deliveryTitle
            ?? throw new AlertFormatException(
                $"The {what} body's alerts[{index}] has no title: neither 'annotations.summary' nor 'labels.alertname'.");

        // Each alert resolves on its own status; the delivery's status only fills in when it is missing.
        var resolved = string.Equals(
            JsonRead.Text(JsonRead.Prop(element, "status")) ?? deliveryStatus, "resolved", StringComparison.OrdinalIgnoreCase);
        var startsAtText = JsonRead.Text(JsonRead.Prop(element, "startsAt"));
        var startsAt = JsonRead.Time(startsAtText);

        // startsAt names this occurrence of the alert: a later firing of the same labels is new.
        var startsKey = startsAt is { } s ? JsonRead.Canonical(s) : startsAtText ?? "";

        return new NormalizedAlert
        {
            Source = source,
            Kind = kind,
            ExternalId = fingerprint,
            DedupKey = fingerprint + "|" + startsKey + "|" + (resolved ? "resolved" : "firing"),
            CorrelationKey = groupKey ?? fingerprint,
            Title = JsonRead.Title(title),
            Description = annotations.GetValueOrDefault("description"),
            Severity = MapSeverity(labels.GetValueOrDefault("severity")),
            Status = resolved ? AlertStatus.Resolved : AlertStatus.Firing,
            FiredAt = startsAt,

            // A firing alert's endsAt is only Alertmanager's expiry estimate, not a resolution.
            ResolvedAt = resolved ? JsonRead.Time(JsonRead.Text(JsonRead.Prop(element, "endsAt"))) : null,
            Category = labels.GetValueOrDefault("alertname"),
            Entities = Entities(labels),
            Labels = labels,
            Raw = element.Clone(),
        };
    }

    /// <summary>Hosts, addresses, accounts and resources named by well-known label names.</summary>
    private static EntitySet Entities(Dictionary<string, string> labels)
    {
        var hosts = new List<string>();
        var ips = new List<string>();
        var accounts = new List<string>();
        var resources = new List<string>();

        foreach (var (name, value) in labels)
        {
            if (name.Equals("instance", StringComparison.OrdinalIgnoreCase))
            {
                // instance is "host:port" (or a probed URL); an address is an IP, a name is a host.
                var instance = InstanceHost(value);
                if (JsonRead.Ip(instance) is { } ip)
                {
                    ips.Add(ip);
                }
                else
                {
                    hosts.AddIfPresent(JsonRead.Clean(instance));
                }
            }
            else if (HostLabels.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                hosts.Add(value);
            }
            else if (IpLabels.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                ips.AddIfPresent(JsonRead.Ip(value));
            }
            else if (AccountLabels.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                accounts.Add(value);
            }
            else if (ResourceLabels.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                resources.Add(value);
            }
        }

        return EntitySet.Of(hosts, accounts, ips, resources);
    }

    /// <summary>
    /// The host part of an <c>instance</c> label: <c>node1:9100</c> → <c>node1</c>,
    /// <c>[::1]:9100</c> → <c>::1</c>, <c>https://web.example.com/health</c> (blackbox probes) →
    /// <c>web.example.com</c>. A bare IPv6 address has several colons and is kept whole.
    /// </summary>
    internal static string InstanceHost(string instance)
    {
        var value = instance;
        var scheme = value.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            value = value[(scheme + 3)..];
            var pathStart = value.IndexOfAny(['/', '?', '#']);
            if (pathStart >= 0)
            {
                value = value[..pathStart];
            }

            value = value[(value.LastIndexOf('@') + 1)..];
        }

        if (value.StartsWith('['))
        {
            var end = value.IndexOf(']', StringComparison.Ordinal);
            return end > 0 ? value[1..end] : value;
        }

        var colon = value.IndexOf(':', StringComparison.Ordinal);
        return colon >= 0 && colon == value.LastIndexOf(':') ? value[..colon] : value;
    }

    /// <summary>
    /// Prometheus' label-set fingerprint (FNV-1a 64 over the sorted names and values, each followed
    /// by the 0xFF separator), written as 16 hex digits as Alertmanager writes it.
    /// </summary>
    internal static string LabelFingerprint(JsonElement labels)
    {
        const ulong offset = 14695981039346656037;
        const ulong prime = 1099511628211;

        var pairs = labels.EnumerateObject()
            .Where(p => p.Value.ValueKind == JsonValueKind.String)
            .Select(p => (Name: p.Name, Value: p.Value.GetString() ?? ""))
            .OrderBy(p => p.Name, StringComparer.Ordinal);

        var hash = offset;
        foreach (var (name, value) in pairs)
        {
            foreach (var part in new[] { name, value })
            {
                foreach (var b in Encoding.UTF8.GetBytes(part))
                {
                    hash = (hash ^ b) * prime;
                }

                hash = (hash ^ 0xFF) * prime;
            }
        }

        return hash.ToString("x16", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Alertmanager's own groupKey is always sent; for imitators that leave it out, the group labels
    /// rendered the same way (<c>{}:{alertname="X"}</c>) still group the delivery's alerts together.
    /// </summary>
    private static string? DerivedGroupKey(Dictionary<string, string> groupLabels) =>
        groupLabels.Count == 0
            ? null
            : "{}:{" + string.Join(", ", groupLabels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}=\"{l.Value}\"")) + "}";
}
