using System.Net;
using System.Text.Json;
using Respond.Domain.Alerts;
using Respond.Server.Hosting;
using Respond.Server.Tests.Infrastructure;

namespace Respond.Server.Tests.Alerts;

/// <summary>
/// Real-format samples of every kind, firing then resolved, through the webhook: the right
/// dispositions, and an incident carrying the alerts' severity, entities and correlation.
/// </summary>
public class RealFormatIngestionTests(RespondApp app) : IClassFixture<RespondApp>
{
    private readonly HttpClient client = app.Anonymous();
    private readonly HttpClient viewer = app.As("viewer");

    public static TheoryData<string, string, string> Pairs => new()
    {
        { "azure-monitor", "azure-monitor/metric-fired.json", "azure-monitor/metric-resolved.json" },
        { "defender", "defender/security-alert-bruteforce.json", "defender/security-alert-resolved.json" },
        { "alertmanager", "alertmanager/firing-two-alerts.json", "alertmanager/resolved.json" },
        { "grafana", "grafana/firing.json", "grafana/resolved.json" },
    };

    [Theory]
    [MemberData(nameof(Pairs))]
    public async Task Firing_then_redelivered_then_resolved(string source, string firingSample, string resolvedSample)
    {
        var firingBody = Samples.Read(firingSample);
        var expected = AlertParsers.Create(source).Parse(source, JsonDocument.Parse(firingBody).RootElement);

        var firing = (await (await client.SendAsync(Samples.Delivery(source, firingBody))).JsonAsync(HttpStatusCode.Accepted))["alerts"]!.AsArray();
        Assert.Equal(expected.Count, firing.Count);
        Assert.Equal("opened", firing[0]!["disposition"]!.GetValue<string>());
        Assert.All(firing.Skip(1), a => Assert.Equal("correlated", a!["disposition"]!.GetValue<string>()));
        var incidentId = firing[0]!["incidentId"]!.GetValue<Guid>();
        Assert.All(firing, a => Assert.Equal(incidentId, a!["incidentId"]!.GetValue<Guid>()));

        var again = (await (await client.SendAsync(Samples.Delivery(source, firingBody))).JsonAsync(HttpStatusCode.Accepted))["alerts"]!.AsArray();
        Assert.All(again, a => Assert.Equal("duplicate", a!["disposition"]!.GetValue<string>()));

        var incident = await (await viewer.GetAsync($"/api/incidents/{incidentId}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(EnumWords.Word(expected.Max(a => a.Severity)), incident["severity"]!.GetValue<string>());
        Assert.Equal(expected.Count, incident["alerts"]!.AsArray().Count);
        Assert.Equal([source], incident["sources"]!.AsArray().Select(s => s!.GetValue<string>()));
        foreach (var (field, values) in new[]
                 {
                     ("hosts", expected.SelectMany(a => a.Entities.Hosts)), ("accounts", expected.SelectMany(a => a.Entities.Accounts)),
                     ("ips", expected.SelectMany(a => a.Entities.Ips)), ("resources", expected.SelectMany(a => a.Entities.Resources)),
                 })
        {
            Assert.Equal(values.Distinct(StringComparer.OrdinalIgnoreCase).Order(),
                incident["entities"]![field]!.AsArray().Select(v => v!.GetValue<string>()).Order());
        }

        Assert.All(incident["alerts"]!.AsArray(), a =>
        {
            Assert.Equal(source, a!["kind"]!.GetValue<string>());
            Assert.Equal("firing", a["status"]!.GetValue<string>());
            Assert.NotNull(a["externalId"]);
        });

        var resolved = (await (await client.SendAsync(Samples.Delivery(source,
            Samples.Read(resolvedSample)))).JsonAsync(HttpStatusCode.Accepted))["alerts"]!.AsArray();
        Assert.All(resolved, a =>
        {
            Assert.Equal("resolved", a!["disposition"]!.GetValue<string>());
            Assert.Equal(incidentId, a["incidentId"]!.GetValue<Guid>());
        });

        var after = await (await viewer.GetAsync($"/api/incidents/{incidentId}")).JsonAsync(HttpStatusCode.OK);
        Assert.Contains(after["alerts"]!.AsArray(), a => a!["status"]!.GetValue<string>() == "resolved" && a["resolvedAt"] is not null);
        var timeline = (await (await viewer.GetAsync($"/api/incidents/{incidentId}/timeline")).JsonAsync(HttpStatusCode.OK))["items"]!.AsArray();
        Assert.Contains(timeline, e => e!["type"]!.GetValue<string>() == "AlertResolved");
    }

    [Fact]
    public async Task Raw_payloads_are_kept_for_the_record_but_not_on_the_incident()
    {
        var body = Samples.Read("defender/security-alert-sentinel-row.json");
        var answer = (await (await client.SendAsync(Samples.Delivery("defender", body))).JsonAsync(HttpStatusCode.Accepted))["alerts"]![0]!;
        var incident = await (await viewer.GetAsync($"/api/incidents/{answer["incidentId"]}")).GetStringAsync();
        Assert.DoesNotContain("\"raw\"", incident, StringComparison.OrdinalIgnoreCase);

        await using var connection = new Npgsql.NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("select data->'alert'->'raw' is not null from respond.mt_doc_alertrecord where id = " +
            "@id", connection);
        command.Parameters.AddWithValue("id", answer["alertId"]!.GetValue<Guid>());
        Assert.True((bool)(await command.ExecuteScalarAsync())!);
    }
}

internal static class ResponseText
{
    public static Task<string> GetStringAsync(this HttpResponseMessage response) => response.Content.ReadAsStringAsync();
}
