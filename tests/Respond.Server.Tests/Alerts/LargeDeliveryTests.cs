using System.Diagnostics;
using System.Net;
using System.Text;
using Npgsql;
using Respond.Domain.Incidents;
using Respond.Server.Alerts;
using Respond.Server.Tests.Infrastructure;
using Respond.Server.Tests.Playbooks.Runs;
using Xunit.Abstractions;

namespace Respond.Server.Tests.Alerts;

public sealed class LargeDeliveryApp : PlaybookApp
{
    protected override IEnumerable<string> ShippedPlaybooks => [];

    // Its when reads both the count and the bounded list, on an incident far past the list's bound.
    protected override IEnumerable<(string File, string Json)> TestPlaybooks =>
    [
        ("on-big.json", """
            { "id": "on-big", "name": "Page on a big incident", "trigger": { "on": "incident.severity-changed",
                "when": "incident.alertCount >= 3000 && alerts.length == 100" },
              "steps": [ { "id": "page", "type": "action", "connector": "chat", "operation": "post",
                "input": { "text": "{{ incident.alertCount }} alerts" } } ] }
            """),
    ];
}

/// <summary>
/// One delivery and one incident are bounded (docs/DIVERGENCES.md, Alerts): at most
/// <see cref="ReceiveWebhook.MaxAlertsPerDelivery"/> alerts a delivery, and the incident document keeps the
/// newest alerts and entities with counts, while every alert stays in its own record.
/// </summary>
public sealed class LargeDeliveryTests(LargeDeliveryApp app, ITestOutputHelper output) : IClassFixture<LargeDeliveryApp>
{
    private readonly HttpClient client = app.Anonymous();
    private readonly HttpClient viewer = app.As("viewer");

    // Fingerprints name alerts across groups: each test has its own, or its alerts are the other's duplicates.
    private static string Delivery(string groupKey, int count, int first = 0, string fingerprint = "fp")
    {
        var body = new StringBuilder();
        body.Append($$"""{"version":"4","groupKey":"{{groupKey}}","status":"firing","alerts":[""");
        for (var i = first; i < first + count; i++)
        {
            body.Append(i == first ? "" : ",").Append($$"""
                {"status":"firing","labels":{"alertname":"PodCrash","severity":"warning","host":"node-{{i}}","ip":"10.{{i / 250}}.{{i % 250}}.1"},
                "annotations":{"summary":"crash {{i}}"},"startsAt":"2026-11-23T10:00:00Z","fingerprint":"{{fingerprint}}-{{i}}"}
                """);
        }

        return body.Append("]}").ToString();
    }

    [Fact]
    public async Task A_delivery_over_the_cap_is_413_naming_it_and_stores_nothing()
    {
        var body = new StringBuilder("""{"version":"4","groupKey":"over-cap","alerts":[""");
        for (var i = 0; i <= ReceiveWebhook.MaxAlertsPerDelivery; i++)
        {
            body.Append(i == 0 ? "" : ",").Append($$"""{"labels":{"alertname":"A"},"fingerprint":"o{{i}}"}""");
        }

        var before = await StoredCounts.ReadAsync(app.ConnectionString);
        var problem = await (await client.SendAsync(Samples.Delivery("alertmanager", body.Append("]}").ToString())))
            .ProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains(ReceiveWebhook.MaxAlertsPerDelivery.ToString(System.Globalization.CultureInfo.InvariantCulture),
            problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(before, await StoredCounts.ReadAsync(app.ConnectionString));
    }

    [Fact]
    public async Task A_3000_alert_delivery_is_answered_in_seconds_and_its_incident_stays_bounded()
    {
        var groupKey = "{}:{alertname=\\\"PodCrash" + Guid.NewGuid().ToString("N") + "\\\"}";
        var delivery = Delivery(groupKey, 3000);

        var clock = Stopwatch.StartNew();
        var answer = await (await client.SendAsync(Samples.Delivery("alertmanager", delivery))).JsonAsync(HttpStatusCode.Accepted);
        output.WriteLine($"3,000-alert delivery answered in {clock.ElapsedMilliseconds} ms");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");

        var alerts = answer["alerts"]!.AsArray();
        Assert.Equal(3000, alerts.Count);
        Assert.Equal("opened", alerts[0]!["disposition"]!.GetValue<string>());
        Assert.All(alerts.Skip(1), a => Assert.Equal("correlated", a!["disposition"]!.GetValue<string>()));
        var incidentId = alerts[0]!["incidentId"]!.GetValue<Guid>();
        Assert.All(alerts, a => Assert.Equal(incidentId, a!["incidentId"]!.GetValue<Guid>()));
        Assert.Equal(3000, alerts.Select(a => a!["alertId"]!.GetValue<Guid>()).Distinct().Count());

        var incident = await (await viewer.GetAsync($"/api/incidents/{incidentId}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(3000, incident["alertCount"]!.GetValue<int>());
        var shown = incident["alerts"]!.AsArray();
        Assert.Equal(Incident.MaxAlertsShown, shown.Count);
        Assert.Equal("fp-2999", shown[^1]!["externalId"]!.GetValue<string>()); // the newest
        Assert.Equal(Incident.MaxEntitiesShown, incident["entities"]!["hosts"]!.AsArray().Count);
        Assert.Equal("node-2999", incident["entities"]!["hosts"]!.AsArray()[^1]!.GetValue<string>());
        Assert.True(incident["entitiesOmitted"]!["hosts"]!.GetValue<int>() >= 3000 - Incident.MaxEntitiesShown);
        Assert.Equal(3000, await StoredAlertsAsync(incidentId)); // every alert keeps its record

        // A redelivery doubles nothing.
        var again = await (await client.SendAsync(Samples.Delivery("alertmanager", delivery))).JsonAsync(HttpStatusCode.Accepted);
        Assert.All(again["alerts"]!.AsArray(), a => Assert.Equal("duplicate", a!["disposition"]!.GetValue<string>()));
        Assert.Equal(3000, await StoredAlertsAsync(incidentId));

        // The next alert for the incident is quick: it no longer rewrites thousands of alerts.
        var next = Stopwatch.StartNew();
        var one = await (await client.SendAsync(Samples.Delivery("alertmanager", Delivery(groupKey, 1, first: 3000))))
            .JsonAsync(HttpStatusCode.Accepted);
        output.WriteLine($"the next alert answered in {next.ElapsedMilliseconds} ms");
        Assert.True(next.Elapsed < TimeSpan.FromSeconds(5), $"took {next.Elapsed}");
        Assert.Equal("correlated", one["alerts"]![0]!["disposition"]!.GetValue<string>());
        incident = await (await viewer.GetAsync($"/api/incidents/{incidentId}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(3001, incident["alertCount"]!.GetValue<int>());
        Assert.Equal("fp-3000", incident["alerts"]!.AsArray()[^1]!["externalId"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_trigger_expression_works_on_an_incident_of_3000_alerts()
    {
        var groupKey = "{}:{alertname=\\\"Big" + Guid.NewGuid().ToString("N") + "\\\"}";
        var answer = await (await client.SendAsync(Samples.Delivery("alertmanager",
            Delivery(groupKey, 3000, fingerprint: "big")))).JsonAsync(HttpStatusCode.Accepted);
        var incidentId = answer["alerts"]![0]!["incidentId"]!.GetValue<Guid>();

        using var responder = app.As("responder");
        await (await responder.PostJsonAsync($"/api/incidents/{incidentId}/severity", new { severity = "critical", reason = "big" }))
            .JsonAsync(HttpStatusCode.OK);
        var run = await app.RunOfAsync(incidentId, r => PlaybookApp.Status(r) == "completed", "the on-big run");
        Assert.Equal("3000 alerts", PlaybookApp.Step(run, "page")["input"]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task Overlapping_deliveries_into_one_incident_at_once_lose_nothing_and_double_nothing()
    {
        var groupKey = "{}:{alertname=\\\"Overlap" + Guid.NewGuid().ToString("N") + "\\\"}";
        var fingerprint = "ov" + Guid.NewGuid().ToString("N")[..8];
        var deliveries = new[] { (First: 0, Count: 600), (First: 300, Count: 600), (First: 100, Count: 300), (First: 850, Count: 50) };
        var answers = await Task.WhenAll(deliveries.Select(async d =>
            (await (await client.SendAsync(Samples.Delivery("alertmanager", Delivery(groupKey, d.Count, d.First, fingerprint))))
                .JsonAsync(HttpStatusCode.Accepted))["alerts"]!.AsArray()));

        var all = answers.SelectMany(a => a).ToList();
        var incidentId = all[0]!["incidentId"]!.GetValue<Guid>();
        Assert.All(all, a => Assert.Equal(incidentId, a!["incidentId"]!.GetValue<Guid>()));
        Assert.Single(all, a => a!["disposition"]!.GetValue<string>() == "opened");
        Assert.Equal(900, all.Count(a => a!["disposition"]!.GetValue<string>() is "opened" or "correlated"));
        Assert.Equal(900, await StoredAlertsAsync(incidentId));
        var incident = await (await viewer.GetAsync($"/api/incidents/{incidentId}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(900, incident["alertCount"]!.GetValue<int>());
    }

    private async Task<long> StoredAlertsAsync(Guid incidentId)
    {
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select count(*) from respond.mt_doc_alertrecord where data ->> 'incidentId' = $1", connection)
        {
            Parameters = { new NpgsqlParameter { Value = incidentId.ToString() } },
        };
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
