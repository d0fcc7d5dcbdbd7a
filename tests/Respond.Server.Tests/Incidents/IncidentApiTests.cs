using System.Net;
using Respond.Server.Tests.Infrastructure;

namespace Respond.Server.Tests.Incidents;

public class IncidentApiTests(RespondApp app) : IClassFixture<RespondApp>
{
    private readonly HttpClient responder = app.As("responder");

    [Fact]
    public async Task A_responder_walks_an_incident_through_its_lifecycle_and_the_timeline_records_it()
    {
        var id = await responder.OpenIncidentAsync("Ransom note on file server", "high");

        async Task<long> Command(string path, object? body = null) =>
            (await (await responder.PostJsonAsync($"/api/incidents/{id}/{path}", body)).JsonAsync(HttpStatusCode.OK))["version"]!.GetValue<long>();

        Assert.Equal(2, await Command("acknowledge"));
        Assert.Equal(3, await Command("assign", new { assignee = "alice" }));
        Assert.Equal(4, await Command("severity", new { severity = "critical", reason = "domain controller" }));
        Assert.Equal(5, await Command("comments", new { text = "Isolating fs-02" }));
        Assert.Equal(6, await Command("observables", new { type = "host", value = "fs-02" }));
        Assert.Equal(7, await Command("contain", new { summary = "fs-02 isolated" }));
        Assert.Equal(8, await Command("recover", new { summary = "restored from backup" }));
        Assert.Equal(9, await Command("close", new { classification = "true-positive", reason = "confirmed" }));

        var response = await responder.GetAsync($"/api/incidents/{id}");
        var incident = await response.JsonAsync(HttpStatusCode.OK);
        Assert.Equal("\"9\"", response.Headers.ETag?.Tag);
        Assert.Equal(9, incident["version"]!.GetValue<long>());
        Assert.Equal("closed", incident["status"]!.GetValue<string>());
        Assert.Equal("critical", incident["severity"]!.GetValue<string>());
        Assert.Equal("true-positive", incident["classification"]!.GetValue<string>());
        Assert.Equal("alice", incident["assignee"]!.GetValue<string>());
        Assert.Equal("fs-02", incident["observables"]![0]!["value"]!.GetValue<string>());
        foreach (var milestone in new[] { "openedAt", "acknowledgedAt", "containedAt", "recoveredAt", "closedAt" })
        {
            Assert.NotNull(incident[milestone]);
        }

        var timeline = (await (await responder.GetAsync($"/api/incidents/{id}/timeline")).JsonAsync(HttpStatusCode.OK))["items"]!.AsArray();
        Assert.Equal(
            ["IncidentOpened", "IncidentAcknowledged", "IncidentAssigned", "SeverityChanged", "CommentAdded", "ObservableAdded",
                "IncidentContained", "IncidentRecovered", "IncidentClosed"],
            timeline.Select(e => e!["type"]!.GetValue<string>()));
        Assert.All(timeline, e => Assert.Equal("responder", e!["actor"]!.GetValue<string>()));
        Assert.Equal(Enumerable.Range(1, 9), timeline.Select(e => e!["version"]!.GetValue<int>()));
        Assert.Equal("domain controller", timeline[3]!["data"]!["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_command_the_status_forbids_is_409_with_the_reason()
    {
        var id = await responder.OpenIncidentAsync();
        await (await responder.PostJsonAsync($"/api/incidents/{id}/acknowledge", null)).JsonAsync(HttpStatusCode.OK);
        var problem = await (await responder.PostJsonAsync($"/api/incidents/{id}/acknowledge", null)).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("already acknowledged", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        await (await responder.PostJsonAsync($"/api/incidents/{id}/reopen", new { reason = "x" })).ProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task If_match_makes_a_command_conditional()
    {
        var id = await responder.OpenIncidentAsync();
        await (await responder.PostJsonAsync($"/api/incidents/{id}/comments", new { text = "one" }, ifMatch: "\"1\"")).JsonAsync(HttpStatusCode.OK);
        var stale = await (await responder.PostJsonAsync($"/api/incidents/{id}/comments", new { text = "two" }, ifMatch: "1"))
            .ProblemAsync(HttpStatusCode.PreconditionFailed);
        Assert.Equal(2, stale["currentVersion"]!.GetValue<long>());
        await (await responder.PostJsonAsync($"/api/incidents/{id}/comments", new { text = "two" }, ifMatch: "2")).JsonAsync(HttpStatusCode.OK);
        await (await responder.PostJsonAsync($"/api/incidents/{id}/comments", new { text = "x" },
            ifMatch: "banana")).ProblemAsync(HttpStatusCode.BadRequest);

        var timeline = (await (await responder.GetAsync($"/api/incidents/{id}/timeline")).JsonAsync(HttpStatusCode.OK))["items"]!.AsArray();
        Assert.Equal(3, timeline.Count); // the stale command stored nothing
    }

    [Fact]
    public async Task Bad_bodies_are_400_problems_and_store_nothing()
    {
        var id = await responder.OpenIncidentAsync();
        await (await responder.PostJsonAsync($"/api/incidents/{id}/close",
            new { reason = "no classification" })).ProblemAsync(HttpStatusCode.BadRequest);
        await (await responder.PostJsonAsync($"/api/incidents/{id}/close", new { classification = "maybe" })).ProblemAsync(HttpStatusCode.BadRequest);
        await (await responder.PostJsonAsync($"/api/incidents/{id}/observables",
            new { type = "ip", value = "not-an-ip" })).ProblemAsync(HttpStatusCode.BadRequest);
        await (await responder.PostJsonAsync("/api/incidents", new { title = "" })).ProblemAsync(HttpStatusCode.BadRequest);
        var malformed = new HttpRequestMessage(HttpMethod.Post, $"/api/incidents/{id}/comments")
        {
            Content = new StringContent("{\"text\":", System.Text.Encoding.UTF8, "application/json"),
        };
        await (await responder.SendAsync(malformed)).ProblemAsync(HttpStatusCode.BadRequest);

        var incident = await (await responder.GetAsync($"/api/incidents/{id}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(1, incident["version"]!.GetValue<long>());
    }

    [Fact]
    public async Task Commands_that_need_nothing_take_no_body_an_empty_body_or_braces()
    {
        var id = await responder.OpenIncidentAsync();
        var bare = await responder.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/incidents/{id}/acknowledge"));
        Assert.Equal(2, (await bare.JsonAsync(HttpStatusCode.OK))["version"]!.GetValue<long>());

        var empty = new HttpRequestMessage(HttpMethod.Post, $"/api/incidents/{id}/contain")
        {
            Content = new StringContent("", System.Text.Encoding.UTF8, "application/json"),
        };
        Assert.Equal(3, (await (await responder.SendAsync(empty)).JsonAsync(HttpStatusCode.OK))["version"]!.GetValue<long>());
        await (await responder.PostJsonAsync($"/api/incidents/{id}/recover", new { })).JsonAsync(HttpStatusCode.OK);

        var timeline = await (await responder.GetAsync($"/api/incidents/{id}/timeline")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("isEmpty", timeline, StringComparison.Ordinal); // only facts, no computed helpers
    }

    [Fact]
    public async Task Unknown_incidents_are_404_problems()
    {
        var id = Guid.NewGuid();
        await (await responder.GetAsync($"/api/incidents/{id}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await responder.GetAsync($"/api/incidents/{id}/timeline")).ProblemAsync(HttpStatusCode.NotFound);
        await (await responder.PostJsonAsync($"/api/incidents/{id}/acknowledge", null)).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Time_travel_shows_the_incident_as_it_was()
    {
        var id = await responder.OpenIncidentAsync("Before", "low");
        await (await responder.PostJsonAsync($"/api/incidents/{id}/acknowledge", null)).JsonAsync(HttpStatusCode.OK);
        var between = DateTimeOffset.UtcNow;
        await Task.Delay(20); // two events must be apart in time for asOf to tell them apart
        await (await responder.PostJsonAsync($"/api/incidents/{id}/severity",
            new { severity = "high", reason = "spread" })).JsonAsync(HttpStatusCode.OK);

        var v1 = await (await responder.GetAsync($"/api/incidents/{id}?version=1")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("new", v1["status"]!.GetValue<string>());
        Assert.Equal(1, v1["version"]!.GetValue<long>());
        var then = await (await responder.GetAsync($"/api/incidents/{id}?asOf={Uri.EscapeDataString(between.ToString("O"))}"))
            .JsonAsync(HttpStatusCode.OK);
        Assert.Equal("acknowledged", then["status"]!.GetValue<string>());
        Assert.Equal("low", then["severity"]!.GetValue<string>());
        var now = await (await responder.GetAsync($"/api/incidents/{id}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("high", now["severity"]!.GetValue<string>());
        await (await responder.GetAsync($"/api/incidents/{id}?asOf=yesterday")).ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task The_list_filters_pages_and_sorts_newest_first()
    {
        var marker = Guid.NewGuid().ToString("N")[..8];
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await responder.OpenIncidentAsync($"{marker} incident {i}", i % 2 == 0 ? "high" : "low"));
        }

        await (await responder.PostJsonAsync($"/api/incidents/{ids[4]}/assign", new { assignee = "zoe" })).JsonAsync(HttpStatusCode.OK);

        var page1 = await (await responder.GetAsync($"/api/incidents?q={marker}&pageSize=2")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(5, page1["total"]!.GetValue<long>());
        Assert.Equal(1, page1["page"]!.GetValue<int>());
        Assert.Equal([ids[4], ids[3]], page1["items"]!.AsArray().Select(x => x!["id"]!.GetValue<Guid>()));
        var page3 = await (await responder.GetAsync($"/api/incidents?q={marker}&pageSize=2&page=3")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal([ids[0]], page3["items"]!.AsArray().Select(x => x!["id"]!.GetValue<Guid>()));

        var high = await (await responder.GetAsync($"/api/incidents?q={marker.ToUpperInvariant()}&severity=high")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(3, high["total"]!.GetValue<long>());
        var zoe = await (await responder.GetAsync($"/api/incidents?q={marker}&assignee=zoe&status=new")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(ids[4], Assert.Single(zoe["items"]!.AsArray())!["id"]!.GetValue<Guid>());

        await (await responder.GetAsync("/api/incidents?status=open")).ProblemAsync(HttpStatusCode.BadRequest);
        await (await responder.GetAsync("/api/incidents?pageSize=1000")).ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Priority_order_puts_open_incidents_first_most_severe_first_then_newest()
    {
        var marker = Guid.NewGuid().ToString("N")[..8];
        var closedCritical = await responder.OpenIncidentAsync($"{marker} closed critical", "critical");
        var oldHigh = await responder.OpenIncidentAsync($"{marker} old high", "high");
        var low = await responder.OpenIncidentAsync($"{marker} low", "low");
        var critical = await responder.OpenIncidentAsync($"{marker} critical", "critical");
        var newHigh = await responder.OpenIncidentAsync($"{marker} new high", "high");
        var informational = await responder.OpenIncidentAsync($"{marker} informational", "informational");
        await (await responder.PostJsonAsync($"/api/incidents/{closedCritical}/close",
            new { classification = "false-positive", reason = "test" })).JsonAsync(HttpStatusCode.OK);

        var page = await (await responder.GetAsync($"/api/incidents?q={marker}&sort=priority")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal([critical, newHigh, oldHigh, low, informational, closedCritical],
            page["items"]!.AsArray().Select(x => x!["id"]!.GetValue<Guid>()));
        var newest = await (await responder.GetAsync($"/api/incidents?q={marker}&sort=newest&pageSize=1")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(informational, newest["items"]![0]!["id"]!.GetValue<Guid>());
        await (await responder.GetAsync("/api/incidents?sort=severity;drop")).ProblemAsync(HttpStatusCode.BadRequest);
    }
}
