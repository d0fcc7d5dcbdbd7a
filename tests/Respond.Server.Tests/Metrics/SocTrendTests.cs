using System.Net;
using System.Text.Json.Nodes;
using Marten;
using Marten.Events;
using Respond.Server.Tests.Infrastructure;

namespace Respond.Server.Tests.Metrics;

public class SocTrendTests(ClockedApp app) : IClassFixture<ClockedApp>
{
    [Fact]
    public async Task Each_bucket_holds_the_means_of_the_incidents_opened_in_it_and_the_buckets_add_up_to_the_range()
    {
        var responder = app.As("responder");
        var from = app.Clock.GetUtcNow(); // 08:00 on the hour

        async Task Post(Guid id, string path, object? body = null) =>
            await (await responder.PostJsonAsync($"/api/incidents/{id}/{path}", body)).JsonAsync(HttpStatusCode.OK);

        // 08:00: acknowledged after 60 s. 09:10: acknowledged after 180 s, contained after 300 s. 10:00-11:00 nothing. 11:30: new.
        var first = await responder.OpenIncidentAsync("first", "high");
        app.Clock.Advance(TimeSpan.FromSeconds(60));
        await Post(first, "acknowledge");
        app.Clock.Advance(TimeSpan.FromMinutes(69));
        var second = await responder.OpenIncidentAsync("second", "low");
        app.Clock.Advance(TimeSpan.FromSeconds(180));
        await Post(second, "acknowledge");
        app.Clock.Advance(TimeSpan.FromSeconds(120));
        await Post(second, "contain", new { summary = "blocked" });
        app.Clock.Advance(TimeSpan.FromMinutes(135));
        await responder.OpenIncidentAsync("third", "medium");

        await app.Service<IDocumentStore>().WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(30));
        var range = $"from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(from.AddHours(4).ToString("O"))}";
        var trend = await (await app.As("viewer").GetAsync($"/api/metrics/soc/trend?{range}&interval=hour")).JsonAsync(HttpStatusCode.OK);

        Assert.Equal("hour", trend["interval"]!.GetValue<string>());
        var points = trend["points"]!.AsArray().Select(p => p!).ToList();
        Assert.Equal([from, from.AddHours(1), from.AddHours(2), from.AddHours(3)], points.Select(p => p["at"]!.GetValue<DateTimeOffset>()));
        Assert.Equal([1L, 1, 0, 1], points.Select(p => p["opened"]!.GetValue<long>()));
        Assert.Equal([60.0, 180.0, null, null], points.Select(p => p["mtta"]?.GetValue<double>()));
        Assert.Equal([null, 300.0, null, null], points.Select(p => p["mttc"]?.GetValue<double>()));
        Assert.All(points, p => Assert.Null(p["mttr"]));

        // The same range whole: the buckets' counts add up, and their means weighted by their counts are the range's means.
        var soc = await (await app.As("viewer").GetAsync($"/api/metrics/soc?{range}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(soc["total"]!.GetValue<long>(), points.Sum(p => p["opened"]!.GetValue<long>()));
        Assert.Equal(soc["mtta"]!.GetValue<double>(), Weighted(points, "mtta", "acknowledged"));
        Assert.Equal(soc["mttc"]!.GetValue<double>(), Weighted(points, "mttc", "contained"));
        Assert.Null(soc["mttr"]);

        // Day buckets over the same morning: one bucket holds all three.
        var daily = await (await app.As("viewer").GetAsync($"/api/metrics/soc/trend?{range}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("day", daily["interval"]!.GetValue<string>());
        var day = Assert.Single(daily["points"]!.AsArray());
        Assert.Equal(3, day!["opened"]!.GetValue<long>());
        Assert.Equal(120.0, day["mtta"]!.GetValue<double>());
    }

    [Fact]
    public async Task Empty_buckets_are_points_with_nulls_and_bad_ranges_are_refused_in_words()
    {
        var viewer = app.As("viewer");
        var empty = await (await viewer.GetAsync("/api/metrics/soc/trend?from=2001-01-01T00:00:00Z&to=2001-01-08T00:00:00Z&interval=day"))
            .JsonAsync(HttpStatusCode.OK);
        var points = empty["points"]!.AsArray();
        Assert.Equal(7, points.Count);
        Assert.All(points, p =>
        {
            Assert.Equal(0, p!["opened"]!.GetValue<long>());
            Assert.Null(p["mtta"]);
        });

        // A last bucket cut short by `to` is still a bucket; 1,992 hours is allowed, 2,160 are not.
        var partial = await (await viewer.GetAsync("/api/metrics/soc/trend?from=2001-01-01T00:00:00Z&to=2001-01-01T02:30:00Z&interval=hour"))
            .JsonAsync(HttpStatusCode.OK);
        Assert.Equal(3, partial["points"]!.AsArray().Count);
        await (await viewer.GetAsync("/api/metrics/soc/trend?from=2001-01-01T00:00:00Z&to=2001-03-25T00:00:00Z&interval=hour"))
            .JsonAsync(HttpStatusCode.OK);

        foreach (var query in new[]
        {
            "from=2001-01-01T00:00:00Z&to=2001-04-01T00:00:00Z&interval=hour",
            "from=2001-02-01T00:00:00Z&to=2001-01-01T00:00:00Z",
            "from=2001-01-01T00:00:00Z&to=2001-01-02T00:00:00Z&interval=week",
            "from=yesterday",
            "from=0001-01-01T00:00:00Z&to=9999-12-31T00:00:00Z&interval=day",
        })
        {
            var problem = await (await viewer.GetAsync($"/api/metrics/soc/trend?{query}")).ProblemAsync(HttpStatusCode.BadRequest);
            Assert.Contains("interval is hour or day", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        }
    }

    private static double Weighted(List<JsonNode> points, string mean, string count)
    {
        var weighted = points.Where(p => p[mean] is not null).Sum(p => p[mean]!.GetValue<double>() * p[count]!.GetValue<long>());
        return Math.Round(weighted / points.Sum(p => p[count]!.GetValue<long>()), 1);
    }
}
