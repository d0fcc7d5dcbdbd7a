using Respond.Domain.Alerts;
using Respond.Domain.Common;

namespace Respond.Domain.Tests.Alerts;

public class AzureMonitorParserTests
{
    private const string Kind = "azure-monitor";
    private const string AlertId =
        "/subscriptions/11111111-2222-3333-4444-555555555555/providers/Microsoft.AlertsManagement/alerts/7d1c0b3e-5f2a-4c8e-9b61-2e4f8a0c9d17";
    private const string Vm1 =
        "/subscriptions/11111111-2222-3333-4444-555555555555/resourcegroups/rg-web/providers/microsoft.compute/virtualmachines/vm-web-01";
    private const string Vm2 =
        "/subscriptions/11111111-2222-3333-4444-555555555555/resourcegroups/rg-web/providers/microsoft.compute/virtualmachines/vm-web-02";

    [Fact]
    public void Metric_alert_that_fired_is_a_firing_high_alert()
    {
        var alert = Samples.ParseSingle(Kind, "metric-fired.json");

        Assert.Equal("sample", alert.Source);
        Assert.Equal(Kind, alert.Kind);
        Assert.Equal(AlertId, alert.ExternalId);
        Assert.Equal(AlertId + "|Fired", alert.DedupKey);
        Assert.Equal("vm-web-cpu-high|" + Vm1 + "," + Vm2, alert.CorrelationKey);
        Assert.Equal("vm-web-cpu-high", alert.Title);
        Assert.Equal("Average CPU above 90% for 5 minutes on the web tier", alert.Description);
        Assert.Equal(Severity.High, alert.Severity);
        Assert.Equal(AlertStatus.Firing, alert.Status);
        Assert.Equal(Samples.Utc("2025-03-14T09:26:53.4181379Z"), alert.FiredAt);
        Assert.Null(alert.ResolvedAt);
        Assert.Equal("Metric", alert.Category);
        Assert.Equal(["vm-web-01", "vm-web-02"], alert.Entities.Hosts);
        Assert.Equal(2, alert.Entities.Resources.Count);
        Assert.Contains(alert.Entities.Resources, r => r.EndsWith("/virtualMachines/VM-Web-02", StringComparison.Ordinal));
        Assert.Empty(alert.Entities.Ips);
        Assert.Equal("schemaId", alert.Raw.EnumerateObject().First().Name);
    }

    [Fact]
    public void Labels_carry_essentials_and_custom_properties_and_essentials_win()
    {
        var alert = Samples.ParseSingle(Kind, "metric-fired.json");

        Assert.Equal("web-platform", alert.Labels["team"]);
        Assert.Equal("Sev1", alert.Labels["severity"]);
        Assert.Equal("Platform", alert.Labels["monitoringService"]);
        Assert.Equal("Metric", alert.Labels["signalType"]);
        Assert.Equal("vm-web-cpu-high", alert.Labels["alertRule"]);
        Assert.Equal("Fired", alert.Labels["monitorCondition"]);
    }

    [Fact]
    public void Metric_alert_that_resolved_resolves_the_same_alert_with_its_own_dedup_key()
    {
        var fired = Samples.ParseSingle(Kind, "metric-fired.json");
        var resolved = Samples.ParseSingle(Kind, "metric-resolved.json");

        Assert.Equal(AlertStatus.Resolved, resolved.Status);
        Assert.Equal(fired.ExternalId, resolved.ExternalId);
        Assert.Equal(AlertId + "|Resolved", resolved.DedupKey);
        Assert.NotEqual(fired.DedupKey, resolved.DedupKey);
        Assert.Equal(Samples.Utc("2025-03-14T09:26:53.4181379Z"), resolved.FiredAt);
        Assert.Equal(Samples.Utc("2025-03-14T09:41:12.0954210Z"), resolved.ResolvedAt);
        Assert.Equal(Severity.High, resolved.Severity);
    }

    [Fact]
    public void Correlation_key_ignores_the_order_and_case_of_alert_targets()
    {
        // The fired sample lists its targets in another order and case than the resolved one.
        var fired = Samples.ParseSingle(Kind, "metric-fired.json");
        var resolved = Samples.ParseSingle(Kind, "metric-resolved.json");

        Assert.Equal(fired.CorrelationKey, resolved.CorrelationKey);
    }

    [Fact]
    public void Log_alert_v2_lifts_dimensions_into_entities()
    {
        var alert = Samples.ParseSingle(Kind, "log-alert-v2-fired.json");

        Assert.Equal(Severity.Critical, alert.Severity);
        Assert.Equal(AlertStatus.Firing, alert.Status);
        Assert.Equal("Repeated failed sign-ins", alert.Title);
        Assert.Equal("Log", alert.Category);
        Assert.Equal(Samples.Utc("2025-03-14T02:17:05.1102433Z"), alert.FiredAt);
        Assert.EndsWith("|Fired", alert.DedupKey, StringComparison.Ordinal);
        Assert.Equal(
            "Repeated failed sign-ins|/subscriptions/11111111-2222-3333-4444-555555555555/resourcegroups/rg-sec/" +
                "providers/microsoft.operationalinsights/workspaces/law-sec-prod",
            alert.CorrelationKey);
        Assert.Equal(["dc-01.corp.contoso.com"], alert.Entities.Hosts);
        Assert.Equal(["203.0.113.45"], alert.Entities.Ips);
        Assert.Equal(["CORP\\svc-backup"], alert.Entities.Accounts);

        // The workspace id appears as target and (in other case) as configuration item: one resource, no host.
        Assert.Single(alert.Entities.Resources);
    }

    [Theory]
    [InlineData("Sev0", Severity.Critical)]
    [InlineData("Sev1", Severity.High)]
    [InlineData("Sev2", Severity.Medium)]
    [InlineData("Sev3", Severity.Low)]
    [InlineData("Sev4", Severity.Informational)]
    [InlineData("sev0", Severity.Critical)]
    [InlineData(" Sev4 ", Severity.Informational)]
    [InlineData("Sev9", Severity.Medium)]
    [InlineData("Critical", Severity.Medium)]
    [InlineData(null, Severity.Medium)]
    public void Severity_maps_sev0_to_sev4(string? severity, Severity expected)
    {
        var body = Body(severity is null ? "" : $"\"severity\": \"{severity}\",");

        var alert = Assert.Single(AlertParsers.Create(Kind).Parse("s", body));

        Assert.Equal(expected, alert.Severity);
    }

    [Theory]
    [InlineData("Fired", AlertStatus.Firing, "Fired")]
    [InlineData("Resolved", AlertStatus.Resolved, "Resolved")]
    [InlineData("resolved", AlertStatus.Resolved, "Resolved")]
    [InlineData("Something", AlertStatus.Firing, "Fired")]
    public void Monitor_condition_decides_status_and_dedup_key(string condition, AlertStatus status, string keyWord)
    {
        var alert = Assert.Single(AlertParsers.Create(Kind).Parse("s", Body($"\"monitorCondition\": \"{condition}\",")));

        Assert.Equal(status, alert.Status);
        Assert.Equal("a1|" + keyWord, alert.DedupKey);
    }

    [Fact]
    public void Missing_optional_fields_still_give_an_alert()
    {
        var alert = Assert.Single(AlertParsers.Create(Kind).Parse("s", Body("")));

        Assert.Equal("rule|", alert.CorrelationKey);
        Assert.Null(alert.Category);
        Assert.Null(alert.FiredAt);
        Assert.True(alert.Entities.IsEmpty);
    }

    [Fact]
    public void Monitoring_service_is_the_category_when_signal_type_is_missing()
    {
        var alert = Assert.Single(AlertParsers.Create(Kind).Parse("s", Body("\"monitoringService\": \"Activity Log - Administrative\",")));

        Assert.Equal("Activity Log - Administrative", alert.Category);
    }

    [Theory]
    [InlineData("""{ "data": { "essentials": { "alertId": "a", "alertRule": "r" } } }""", "schemaId")]
    [InlineData("""{ "schemaId": "Microsoft.Insights/activityLogs", "data": {} }""", "schemaId")]
    [InlineData("""{ "schemaId": "azureMonitorCommonAlertSchema" }""", "'data'")]
    [InlineData("""{ "schemaId": "azureMonitorCommonAlertSchema", "data": [] }""", "'data'")]
    [InlineData("""{ "schemaId": "azureMonitorCommonAlertSchema", "data": { "alertContext": {} } }""", "essentials")]
    [InlineData("""{ "schemaId": "azureMonitorCommonAlertSchema", "data": { "essentials": "x" } }""", "essentials")]
    [InlineData("""{ "schemaId": "azureMonitorCommonAlertSchema", "data": { "essentials": { "alertRule": "r" } } }""", "alertId")]
    [InlineData("""{ "schemaId": "azureMonitorCommonAlertSchema", "data": { "essentials": { "alertId": {}, "alertRule": "r" } } }""", "alertId")]
    [InlineData("""{ "schemaId": "azureMonitorCommonAlertSchema", "data": { "essentials": { "alertId": "a" } } }""", "alertRule")]
    public void Not_the_common_schema_is_refused_naming_the_field(string json, string field)
    {
        var error = Assert.Throws<AlertFormatException>(() => AlertParsers.Create(Kind).Parse("s", Samples.Json(json)));

        Assert.Contains(field, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Titles_longer_than_1000_characters_are_cut()
    {
        var rule = new string('r', 5000);
        var body = Samples.Json($$"""
            { "schemaId": "azureMonitorCommonAlertSchema",
              "data": { "essentials": { "alertId": "a1", "alertRule": "  {{rule}}  " } } }
            """);

        var alert = Assert.Single(AlertParsers.Create(Kind).Parse("s", body));

        Assert.Equal(1000, alert.Title.Length);
    }

    private static System.Text.Json.JsonElement Body(string extraEssentials) => Samples.Json($$"""
        {
          "schemaId": "azureMonitorCommonAlertSchema",
          "data": { "essentials": { {{extraEssentials}} "alertId": "a1", "alertRule": "rule" } }
        }
        """);
}
