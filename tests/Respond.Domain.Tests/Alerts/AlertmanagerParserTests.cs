using Respond.Domain.Alerts;
using Respond.Domain.Common;

namespace Respond.Domain.Tests.Alerts;

public class AlertmanagerParserTests
{
    private const string Kind = "alertmanager";
    private const string GroupKey = "{}/{severity=~\"critical|warning\"}:{alertname=\"NodeFilesystemAlmostFull\"}";

    [Fact]
    public void One_delivery_with_two_alerts_gives_two_alerts_in_one_group()
    {
        var alerts = Samples.Parse(Kind, "firing-two-alerts.json");

        Assert.Equal(2, alerts.Count);
        Assert.All(alerts, a => Assert.Equal(GroupKey, a.CorrelationKey));
        Assert.All(alerts, a => Assert.Equal(AlertStatus.Firing, a.Status));
        Assert.All(alerts, a => Assert.Equal("NodeFilesystemAlmostFull", a.Category));
        Assert.Equal(["3b9f0c6a1d2e4f58", "a07e55d19c3b2f64"], alerts.Select(a => a.ExternalId));

        // Raw is each alert's own element, not the whole delivery.
        Assert.Equal("3b9f0c6a1d2e4f58", alerts[0].Raw.GetProperty("fingerprint").GetString());
        Assert.Equal("a07e55d19c3b2f64", alerts[1].Raw.GetProperty("fingerprint").GetString());
    }

    [Fact]
    public void First_alert_maps_summary_severity_host_and_times()
    {
        var alert = Samples.Parse(Kind, "firing-two-alerts.json")[0];

        Assert.Equal("3b9f0c6a1d2e4f58|2025-03-14T06:02:41.1283374Z|firing", alert.DedupKey);
        Assert.Equal("Filesystem /var/lib/postgresql on db-01 has 3% space left", alert.Title);
        Assert.StartsWith("Filesystem on /dev/sdb1", alert.Description, StringComparison.Ordinal);
        Assert.Equal(Severity.Critical, alert.Severity);
        Assert.Equal(Samples.Utc("2025-03-14T06:02:41.1283374Z"), alert.FiredAt);
        Assert.Null(alert.ResolvedAt);
        Assert.Equal(["db-01.prod.example.com"], alert.Entities.Hosts);
        Assert.Empty(alert.Entities.Ips);
        Assert.Equal(7, alert.Labels.Count);
        Assert.Equal("/var/lib/postgresql", alert.Labels["mountpoint"]);
    }

    [Fact]
    public void Second_alert_falls_back_to_alertname_and_reads_an_ip_instance()
    {
        var alert = Samples.Parse(Kind, "firing-two-alerts.json")[1];

        Assert.Equal("NodeFilesystemAlmostFull", alert.Title);
        Assert.Equal(Severity.Medium, alert.Severity);
        Assert.Equal(Samples.Utc("2025-03-14T05:07:11.5Z"), alert.FiredAt);
        Assert.Equal("a07e55d19c3b2f64|2025-03-14T05:07:11.5Z|firing", alert.DedupKey);

        // A firing alert's endsAt is an expiry estimate, not a resolution.
        Assert.Null(alert.ResolvedAt);
        Assert.Equal(["10.20.4.17"], alert.Entities.Ips);
        Assert.Equal(["postgres"], alert.Entities.Accounts);
        Assert.Empty(alert.Entities.Hosts);
    }

    [Fact]
    public void Resolved_delivery_resolves_the_same_alert()
    {
        var fired = Samples.Parse(Kind, "firing-two-alerts.json")[0];
        var resolved = Assert.Single(Samples.Parse(Kind, "resolved.json"));

        Assert.Equal(AlertStatus.Resolved, resolved.Status);
        Assert.Equal(fired.ExternalId, resolved.ExternalId);
        Assert.Equal(fired.CorrelationKey, resolved.CorrelationKey);
        Assert.Equal("3b9f0c6a1d2e4f58|2025-03-14T06:02:41.1283374Z|resolved", resolved.DedupKey);
        Assert.Equal(fired.FiredAt, resolved.FiredAt);
        Assert.Equal(Samples.Utc("2025-03-14T07:31:56.904410012Z"), resolved.ResolvedAt);
        Assert.Equal(Severity.Critical, resolved.Severity);
    }

    [Theory]
    [InlineData("critical", Severity.Critical)]
    [InlineData("CRITICAL", Severity.Critical)]
    [InlineData("error", Severity.High)]
    [InlineData("high", Severity.High)]
    [InlineData("warning", Severity.Medium)]
    [InlineData("info", Severity.Low)]
    [InlineData("none", Severity.Medium)]
    [InlineData("page", Severity.Medium)]
    [InlineData("low", Severity.Medium)]
    [InlineData(null, Severity.Medium)]
    public void Severity_label_maps_as_the_contract_says(string? severity, Severity expected)
    {
        var labels = severity is null ? "\"alertname\": \"A\"" : $"\"alertname\": \"A\", \"severity\": \"{severity}\"";

        var alert = Assert.Single(Parse(Delivery($$"""{ "status": "firing", "labels": { {{labels}} }, "fingerprint": "f1" }""")));

        Assert.Equal(expected, alert.Severity);
    }

    [Theory]
    [InlineData("node-3:9100", "node-3", null)]
    [InlineData("db.internal.example.com:5432", "db.internal.example.com", null)]
    [InlineData("10.0.0.5:9100", null, "10.0.0.5")]
    [InlineData("[2001:db8::7]:9100", null, "2001:db8::7")]
    [InlineData("fe80::1", null, "fe80::1")]
    [InlineData("https://web.example.com/healthz", "web.example.com", null)]
    [InlineData("http://192.0.2.10:8080/metrics", null, "192.0.2.10")]
    [InlineData("localhost", "localhost", null)]
    public void Instance_label_becomes_a_host_or_an_ip(string instance, string? host, string? ip)
    {
        var alert = Assert.Single(Parse(Delivery($$"""
            { "status": "firing", "labels": { "alertname": "A", "instance": "{{instance}}" }, "fingerprint": "f1" }
            """)));

        Assert.Equal(host is null ? [] : [host], alert.Entities.Hosts);
        Assert.Equal(ip is null ? [] : [ip], alert.Entities.Ips);
    }

    [Fact]
    public void Well_known_labels_become_entities()
    {
        var alert = Assert.Single(Parse(Delivery("""
            { "status": "firing", "fingerprint": "f1",
              "labels": { "alertname": "A", "hostname": "h1", "node": "h2", "src_ip": "192.0.2.1", "client_ip": "nope",
                          "ip": "10", "username": "alice", "upn": "bob@example.com",
                          "azure_resource_id": "/subscriptions/x/resourceGroups/y" } }
            """)));

        Assert.Equal(["h1", "h2"], alert.Entities.Hosts);
        Assert.Equal(["192.0.2.1"], alert.Entities.Ips);
        Assert.Equal(["alice", "bob@example.com"], alert.Entities.Accounts);
        Assert.Equal(["/subscriptions/x/resourceGroups/y"], alert.Entities.Resources);
    }

    [Fact]
    public void Each_alert_resolves_on_its_own_status()
    {
        var alerts = Parse(Delivery("""
            { "status": "resolved", "labels": { "alertname": "A" }, "fingerprint": "f1",
              "startsAt": "2025-01-01T00:00:00Z", "endsAt": "2025-01-01T01:00:00Z" },
            { "status": "firing", "labels": { "alertname": "B" }, "fingerprint": "f2",
              "startsAt": "2025-01-01T00:00:00Z", "endsAt": "0001-01-01T00:00:00Z" },
            { "labels": { "alertname": "C" }, "fingerprint": "f3", "endsAt": "0001-01-01T00:00:00Z" }
            """, status: "firing"));

        Assert.Equal([AlertStatus.Resolved, AlertStatus.Firing, AlertStatus.Firing], alerts.Select(a => a.Status));
        Assert.Equal(Samples.Utc("2025-01-01T01:00:00Z"), alerts[0].ResolvedAt);
        Assert.Null(alerts[1].ResolvedAt);
        Assert.Equal("f3||firing", alerts[2].DedupKey);
    }

    [Fact]
    public void Zero_end_time_of_a_resolved_alert_is_no_time()
    {
        var alert = Assert.Single(Parse(Delivery("""
            { "status": "resolved", "labels": { "alertname": "A" }, "fingerprint": "f1", "endsAt": "0001-01-01T00:00:00Z",
              "startsAt": "not a time" }
            """)));

        Assert.Null(alert.ResolvedAt);
        Assert.Null(alert.FiredAt);
        Assert.Equal("f1|not a time|resolved", alert.DedupKey);
    }

    [Fact]
    public void Missing_fingerprint_is_derived_from_the_labels_the_way_prometheus_does()
    {
        var a = Assert.Single(Parse(Delivery("""{ "status": "firing", "labels": { "alertname": "A", "job": "node" } }""")));
        var reordered = Assert.Single(Parse(Delivery("""{ "status": "firing", "labels": { "job": "node", "alertname": "A" } }""")));
        var other = Assert.Single(Parse(Delivery("""{ "status": "firing", "labels": { "alertname": "B", "job": "node" } }""")));

        Assert.Matches("^[0-9a-f]{16}$", a.ExternalId);
        Assert.Equal(a.ExternalId, reordered.ExternalId);
        Assert.NotEqual(a.ExternalId, other.ExternalId);

        // FNV-1a 64 of "alertname" 0xFF "A" 0xFF, computed outside .NET.
        var single = Assert.Single(Parse(Delivery("""{ "status": "firing", "labels": { "alertname": "A" } }""")));
        Assert.Equal("d2c6efc389df0927", single.ExternalId);
    }

    [Fact]
    public void Missing_group_key_falls_back_to_the_group_labels()
    {
        var alert = Assert.Single(Parse(Samples.Json("""
            { "version": "4", "status": "firing", "groupLabels": { "job": "node", "alertname": "A" },
              "alerts": [ { "status": "firing", "labels": { "alertname": "A" }, "fingerprint": "f1" } ] }
            """)));

        Assert.Equal("{}:{alertname=\"A\", job=\"node\"}", alert.CorrelationKey);
    }

    [Theory]
    [InlineData("""{ "version": "4", "status": "firing" }""", "alerts")]
    [InlineData("""{ "version": "4", "alerts": {} }""", "alerts")]
    [InlineData("""{ "version": "4", "alerts": [] }""", "empty")]
    [InlineData("""{ "version": "3", "alerts": [ { "labels": { "alertname": "A" } } ] }""", "version")]
    [InlineData("""{ "version": "1", "alerts": [ { "labels": { "alertname": "A" } } ] }""", "version")]
    [InlineData("""{ "version": "4", "alerts": [ "x" ] }""", "alerts[0]")]
    [InlineData("""{ "version": "4", "alerts": [ { "labels": { "alertname": "A" } }, null ] }""", "alerts[1]")]
    [InlineData("""{ "version": "4", "alerts": [ { "status": "firing" } ] }""", "fingerprint")]
    [InlineData("""{ "version": "4", "alerts": [ { "fingerprint": "f", "labels": { "job": "x" } } ] }""", "alertname")]
    public void Not_a_webhook_body_is_refused_naming_the_field(string json, string field)
    {
        var error = Assert.Throws<AlertFormatException>(() => Parse(Samples.Json(json)));

        Assert.Contains(field, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"4\"")]
    [InlineData("4")]
    [InlineData(null)]
    public void Version_4_or_no_version_is_accepted(string? version)
    {
        var versionMember = version is null ? "" : $"\"version\": {version},";
        var body = Samples.Json($$"""{ {{versionMember}} "alerts": [ { "labels": { "alertname": "A" } } ] }""");

        Assert.Single(Parse(body));
    }

    private static IReadOnlyList<NormalizedAlert> Parse(System.Text.Json.JsonElement body) =>
        AlertParsers.Create(Kind).Parse("s", body);

    private static System.Text.Json.JsonElement Delivery(string alerts, string status = "firing") => Samples.Json($$"""
        { "version": "4", "groupKey": "{}:{alertname=\"A\"}", "status": "{{status}}", "receiver": "r",
          "groupLabels": {}, "commonLabels": {}, "commonAnnotations": {}, "externalURL": "http://am:9093",
          "alerts": [ {{alerts}} ] }
        """);
}
