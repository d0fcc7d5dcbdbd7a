using System.Net;
using System.Text.Json.Nodes;
using Respond.Server.Tests.Infrastructure;

namespace Respond.Server.Tests.Alerts;

public class CorrelationTests(RespondApp app) : IClassFixture<RespondApp>
{
    private readonly HttpClient client = app.Anonymous();
    private readonly HttpClient viewer = app.As("viewer");
    private readonly HttpClient responder = app.As("responder");

    private async Task<JsonNode> DeliverAsync(string body) =>
        (await (await client.SendAsync(Samples.Delivery("generic", body))).JsonAsync(HttpStatusCode.Accepted))["alerts"]![0]!;

    [Fact]
    public async Task Open_correlate_duplicate_resolve_then_a_new_incident_after_closing()
    {
        var key = Guid.NewGuid().ToString("N");
        var first = await DeliverAsync(Samples.Generic(key, severity: "medium", ip: "198.51.100.1"));
        Assert.Equal("opened", first["disposition"]!.GetValue<string>());
        var incidentId = first["incidentId"]!.GetValue<Guid>();

        var again = await DeliverAsync(Samples.Generic(key, severity: "medium", ip: "198.51.100.1"));
        Assert.Equal("duplicate", again["disposition"]!.GetValue<string>());
        Assert.Equal(first["alertId"]!.GetValue<Guid>(), again["alertId"]!.GetValue<Guid>());
        Assert.Equal(incidentId, again["incidentId"]!.GetValue<Guid>());

        var resolved = await DeliverAsync(Samples.Generic(key, status: "resolved"));
        Assert.Equal("resolved", resolved["disposition"]!.GetValue<string>());
        Assert.Equal(incidentId, resolved["incidentId"]!.GetValue<Guid>());

        var incident = await (await viewer.GetAsync($"/api/incidents/{incidentId}")).JsonAsync(HttpStatusCode.OK);
        var alert = Assert.Single(incident["alerts"]!.AsArray())!;
        Assert.Equal("resolved", alert["status"]!.GetValue<string>());
        Assert.Equal(key, alert["externalId"]!.GetValue<string>());
        Assert.Equal(["generic"], incident["sources"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.Equal(["198.51.100.1"], incident["entities"]!["ips"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.Equal("medium", incident["severity"]!.GetValue<string>());

        var timeline = (await (await viewer.GetAsync($"/api/incidents/{incidentId}/timeline")).JsonAsync(HttpStatusCode.OK))["items"]!.AsArray();
        Assert.Equal(["IncidentOpened", "AlertResolved"], timeline.Select(e => e!["type"]!.GetValue<string>()));
        Assert.Equal("source:generic", timeline[0]!["actor"]!.GetValue<string>());

        // The same firing state again, even after closing, is still the same delivery: a duplicate.
        await (await responder.PostJsonAsync($"/api/incidents/{incidentId}/close", new { classification = "benign-positive", reason = "test" }))
            .JsonAsync(HttpStatusCode.OK);
        Assert.Equal("duplicate", (await DeliverAsync(Samples.Generic(key)))["disposition"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_new_alert_for_a_closed_incidents_key_opens_a_new_incident()
    {
        var groupKey = "{}:{alertname=\"Disk" + Guid.NewGuid().ToString("N") + "\"}";
        var first = await DeliverAlertmanagerAsync(groupKey, "fp-a", "2026-11-23T10:00:00Z");
        Assert.Equal("opened", first["disposition"]!.GetValue<string>());
        var second = await DeliverAlertmanagerAsync(groupKey, "fp-b", "2026-11-23T10:01:00Z");
        Assert.Equal("correlated", second["disposition"]!.GetValue<string>());
        Assert.Equal(first["incidentId"]!.GetValue<Guid>(), second["incidentId"]!.GetValue<Guid>());

        await (await responder.PostJsonAsync($"/api/incidents/{first["incidentId"]}/close", new { classification = "true-positive" }))
            .JsonAsync(HttpStatusCode.OK);
        var third = await DeliverAlertmanagerAsync(groupKey, "fp-a", "2026-11-23T12:00:00Z");
        Assert.Equal("opened", third["disposition"]!.GetValue<string>());
        Assert.NotEqual(first["incidentId"]!.GetValue<Guid>(), third["incidentId"]!.GetValue<Guid>());

        var closed = await (await viewer.GetAsync($"/api/incidents/{first["incidentId"]}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(2, closed["alerts"]!.AsArray().Count); // the closed incident was left alone
    }

    private async Task<JsonNode> DeliverAlertmanagerAsync(string groupKey, string fingerprint, string startsAt)
    {
        var body = $$"""
            {"version":"4","groupKey":{{System.Text.Json.JsonSerializer.Serialize(groupKey)}},"status":"firing","receiver":"respond",
             "groupLabels":{},"commonLabels":{},"commonAnnotations":{},"externalURL":"http://am","truncatedAlerts":0,
             "alerts":[{"status":"firing","labels":{"alertname":"Disk","severity":"warning","instance":"db-01:9100"},
               "annotations":{"summary":"disk filling"},"startsAt":"{{startsAt}}","endsAt":"0001-01-01T00:00:00Z",
               "generatorURL":"http://prom","fingerprint":"{{fingerprint}}"}]}
            """;
        return (await (await client.SendAsync(Samples.Delivery("alertmanager", body))).JsonAsync(HttpStatusCode.Accepted))["alerts"]![0]!;
    }

    [Fact]
    public async Task Twenty_concurrent_deliveries_sharing_a_new_key_give_exactly_one_incident()
    {
        var groupKey = "{}:{alertname=\"Burst" + Guid.NewGuid().ToString("N") + "\"}";
        var bodies = Enumerable.Range(0, 20).Select(i => $$"""
            {"version":"4","groupKey":{{System.Text.Json.JsonSerializer.Serialize(groupKey)}},"status":"firing","receiver":"respond",
             "groupLabels":{},"commonLabels":{},"commonAnnotations":{},"externalURL":"http://am","truncatedAlerts":0,
             "alerts":[{"status":"firing","labels":{"alertname":"Burst","severity":"critical","instance":"10.1.0.{{i}}:9100"},
               "annotations":{"summary":"burst {{i}}"},"startsAt":"2026-11-23T10:00:00Z","endsAt":"0001-01-01T00:00:00Z",
               "generatorURL":"http://prom","fingerprint":"fp{{i:D4}}"}]}
            """).ToList();

        var results = await Task.WhenAll(bodies.Select(async body =>
            (await (await client.SendAsync(Samples.Delivery("alertmanager", body))).JsonAsync(HttpStatusCode.Accepted))["alerts"]![0]!));

        var incidents = results.Select(r => r["incidentId"]!.GetValue<Guid>()).Distinct().ToList();
        var incidentId = Assert.Single(incidents);
        Assert.Single(results, r => r["disposition"]!.GetValue<string>() == "opened");
        Assert.Equal(19, results.Count(r => r["disposition"]!.GetValue<string>() == "correlated"));

        var incident = await (await viewer.GetAsync($"/api/incidents/{incidentId}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(20, incident["alerts"]!.AsArray().Count);
        Assert.Equal(20, incident["entities"]!["ips"]!.AsArray().Count);
        Assert.Equal(20, incident["version"]!.GetValue<long>());
    }

    [Fact]
    public async Task Concurrent_redeliveries_of_one_alert_store_it_once()
    {
        var id = Guid.NewGuid().ToString("N");
        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(async _ =>
            (await (await client.SendAsync(Samples.Delivery("generic", Samples.Generic(id)))).JsonAsync(HttpStatusCode.Accepted))["alerts"]![0]!));
        Assert.Single(results, r => r["disposition"]!.GetValue<string>() == "opened");
        Assert.Equal(9, results.Count(r => r["disposition"]!.GetValue<string>() == "duplicate"));
        var incident = await (await viewer.GetAsync($"/api/incidents/{results[0]["incidentId"]}")).JsonAsync(HttpStatusCode.OK);
        Assert.Single(incident["alerts"]!.AsArray());
    }
}
