using Respond.Domain.Alerts;
using Respond.Domain.Common;

namespace Respond.Domain.Tests.Alerts;

public class DefenderParserTests
{
    private const string Kind = "defender";
    private const string AlertId = "2517538088322968242_4c0e2f9a-8d1b-4e57-b3a6-91f7c5d0e2ab";
    private const string VmId =
        "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-mgmt/providers/Microsoft.Compute/virtualMachines/VM-JUMP-01";

    [Fact]
    public void Brute_force_alert_is_a_firing_high_alert_with_its_entities()
    {
        var alert = Samples.ParseSingle(Kind, "security-alert-bruteforce.json");

        Assert.Equal(Kind, alert.Kind);
        Assert.Equal(AlertId, alert.ExternalId);
        Assert.Equal(AlertId, alert.DedupKey);
        Assert.Equal("vm-jump-01|vm_rdpbruteforce", alert.CorrelationKey);
        Assert.Equal("Successful RDP brute force attack", alert.Title);
        Assert.StartsWith("Several Remote Desktop login attempts", alert.Description, StringComparison.Ordinal);
        Assert.Equal(Severity.High, alert.Severity);
        Assert.Equal(AlertStatus.Firing, alert.Status);
        Assert.Equal("VM_RDPBruteForce", alert.Category);
        Assert.Equal(Samples.Utc("2025-03-13T22:40:11Z"), alert.FiredAt);
        Assert.Null(alert.ResolvedAt);

        // Host from HostName + DnsDomain; the $ref items (top level and the account's Host) add nothing.
        Assert.Equal(["vm-jump-01.corp.contoso.com"], alert.Entities.Hosts);
        Assert.Equal(["adm.jsmith@contoso.com"], alert.Entities.Accounts);
        Assert.Equal(["198.51.100.23"], alert.Entities.Ips);
        Assert.Equal([VmId], alert.Entities.Resources);
    }

    [Fact]
    public void Labels_hold_the_product_fields_and_extended_properties()
    {
        var alert = Samples.ParseSingle(Kind, "security-alert-bruteforce.json");

        Assert.Equal("VM_RDPBruteForce", alert.Labels["AlertType"]);
        Assert.Equal("Microsoft Defender for Cloud", alert.Labels["ProductName"]);
        Assert.Equal("New", alert.Labels["Status"]);
        Assert.Equal("IP Address: 198.51.100.23", alert.Labels["Attacker source IP"]);
        Assert.Equal("214", alert.Labels["Number of failed authentication attempts to host"]);
    }

    [Fact]
    public void Resolved_alert_in_the_continuous_export_shape_resolves_the_same_alert()
    {
        var fired = Samples.ParseSingle(Kind, "security-alert-bruteforce.json");
        var resolved = Samples.ParseSingle(Kind, "security-alert-resolved.json");

        Assert.Equal(AlertStatus.Resolved, resolved.Status);
        Assert.Equal(fired.ExternalId, resolved.ExternalId);
        Assert.Equal(AlertId + "|resolved", resolved.DedupKey);
        Assert.Equal(fired.CorrelationKey, resolved.CorrelationKey);
        Assert.Equal(fired.Title, resolved.Title);
        Assert.Equal(Severity.High, resolved.Severity);
        Assert.Equal(Samples.Utc("2025-03-13T22:40:11Z"), resolved.FiredAt);
        Assert.Equal(Samples.Utc("2025-03-14T08:02:30Z"), resolved.ResolvedAt);
        Assert.Equal(["vm-jump-01.corp.contoso.com"], resolved.Entities.Hosts);
        Assert.Equal(["198.51.100.23"], resolved.Entities.Ips);
        Assert.Equal([VmId], resolved.Entities.Resources);

        // Raw keeps the whole ARM resource, not only its properties.
        Assert.True(resolved.Raw.TryGetProperty("properties", out _));
    }

    [Fact]
    public void Log_analytics_row_with_entities_as_a_json_string_is_read()
    {
        var alert = Samples.ParseSingle(Kind, "security-alert-sentinel-row.json");

        Assert.Equal("f3a81c2d-6b0e-4d79-9a54-2c7e1b8d0f36", alert.ExternalId);
        Assert.Equal("Suspicious PowerShell command line", alert.Title);
        Assert.Equal(Severity.Medium, alert.Severity);
        Assert.Equal(AlertStatus.Firing, alert.Status);
        Assert.Equal(Samples.Utc("2025-03-12T13:55:00Z"), alert.FiredAt);
        Assert.Equal(["wks-fin-17.corp.contoso.com"], alert.Entities.Hosts);
        Assert.Equal(["mlopez@contoso.com"], alert.Entities.Accounts);
        Assert.Equal("00:05:00", alert.Labels["Query Period"]);

        // No CompromisedEntity: the alert's host stands in, so it still correlates per machine.
        Assert.Equal(
            "wks-fin-17.corp.contoso.com|11111111-2222-3333-4444-555555555555_4b1c5e8a-9d2f-4e63-b7a0-58c3d1e9f2b4",
            alert.CorrelationKey);
    }

    [Theory]
    [InlineData("High", Severity.High)]
    [InlineData("Medium", Severity.Medium)]
    [InlineData("Low", Severity.Low)]
    [InlineData("Informational", Severity.Informational)]
    [InlineData("Critical", Severity.Critical)]
    [InlineData("high", Severity.High)]
    [InlineData("Unknown", Severity.Medium)]
    [InlineData("", Severity.Medium)]
    public void Severity_maps_defender_levels(string severity, Severity expected)
    {
        var alert = Parse($$"""{ "SystemAlertId": "id-1", "AlertDisplayName": "t", "Severity": "{{severity}}" }""");

        Assert.Equal(expected, alert.Severity);
    }

    [Theory]
    [InlineData("New", AlertStatus.Firing, "id-1")]
    [InlineData("Active", AlertStatus.Firing, "id-1")]
    [InlineData("InProgress", AlertStatus.Firing, "id-1")]
    [InlineData("Resolved", AlertStatus.Resolved, "id-1|resolved")]
    [InlineData("Dismissed", AlertStatus.Resolved, "id-1|resolved")]
    [InlineData("dismissed", AlertStatus.Resolved, "id-1|resolved")]
    public void Status_decides_resolution_and_dedup_key(string status, AlertStatus expected, string dedupKey)
    {
        var alert = Parse($$"""{ "SystemAlertId": "id-1", "AlertDisplayName": "t", "Status": "{{status}}" }""");

        Assert.Equal(expected, alert.Status);
        Assert.Equal(dedupKey, alert.DedupKey);
    }

    [Fact]
    public void Camel_case_top_level_fields_are_accepted()
    {
        var alert = Parse("""
            { "systemAlertId": "id-2", "alertDisplayName": "Suspicious process", "alertType": "VM_SuspiciousProcess",
              "severity": "Low", "compromisedEntity": "Web-01", "startTimeUtc": "2025-01-02T03:04:05Z" }
            """);

        Assert.Equal("id-2", alert.ExternalId);
        Assert.Equal("Suspicious process", alert.Title);
        Assert.Equal(Severity.Low, alert.Severity);
        Assert.Equal("web-01|vm_suspiciousprocess", alert.CorrelationKey);
        Assert.Equal(Samples.Utc("2025-01-02T03:04:05Z"), alert.FiredAt);
    }

    [Fact]
    public void Compromised_entity_is_a_host_only_when_no_host_entity_is_present()
    {
        var alert = Parse("""
            { "SystemAlertId": "id-3", "AlertDisplayName": "t", "AlertType": "X", "CompromisedEntity": "SRV-DB-07",
              "Entities": [ { "$id": "1", "Address": "10.1.2.3", "Type": "ip" } ] }
            """);

        Assert.Equal(["SRV-DB-07"], alert.Entities.Hosts);
        Assert.Equal(["10.1.2.3"], alert.Entities.Ips);
    }

    [Fact]
    public void References_and_junk_entities_are_skipped_safely()
    {
        var alert = Parse("""
            { "SystemAlertId": "id-4", "AlertDisplayName": "t",
              "Entities": [ { "$ref": "2" }, { "$ref": 99 }, null, 7, "host", [], { "Type": 5 },
                            { "Type": "ip", "Address": "not an ip" }, { "Type": "host" },
                            { "$id": "9", "Type": "process", "Host": { "$id": "10", "HostName": "inner-host", "Type": "host" } },
                            { "$ref": "10" } ] }
            """);

        Assert.Equal(["inner-host"], alert.Entities.Hosts);
        Assert.Empty(alert.Entities.Ips);
    }

    [Theory]
    [InlineData("""{ "AlertDisplayName": "t" }""", "SystemAlertId")]
    [InlineData("""{ "SystemAlertId": {}, "AlertDisplayName": "t" }""", "SystemAlertId")]
    [InlineData("""{ "properties": { "alertDisplayName": "t" } }""", "SystemAlertId")]
    [InlineData("""{ "SystemAlertId": "id" }""", "AlertDisplayName")]
    [InlineData("""{ "SystemAlertId": "id", "AlertDisplayName": "   " }""", "AlertDisplayName")]
    public void Missing_essentials_are_refused_naming_the_field(string json, string field)
    {
        var error = Assert.Throws<AlertFormatException>(() => AlertParsers.Create(Kind).Parse("s", Samples.Json(json)));

        Assert.Contains(field, error.Message, StringComparison.Ordinal);
    }

    private static NormalizedAlert Parse(string json) =>
        Assert.Single(AlertParsers.Create(Kind).Parse("s", Samples.Json(json)));
}
