using System.Net;
using Marten;
using Marten.Events;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Respond.Server.Tests.Infrastructure;

namespace Respond.Server.Tests.Metrics;

public sealed class ClockedApp : RespondApp
{
    public ManualClock Clock { get; } = new(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }
}

public class SocMetricsTests(ClockedApp app) : IClassFixture<ClockedApp>
{
    [Fact]
    public async Task Mean_times_and_counts_come_from_the_incidents_milestones()
    {
        var responder = app.As("responder");
        var from = app.Clock.GetUtcNow();

        async Task Post(Guid id, string path, object? body = null) =>
            await (await responder.PostJsonAsync($"/api/incidents/{id}/{path}", body)).JsonAsync(HttpStatusCode.OK);

        // One incident acknowledged after 60 s, contained after 180 s, recovered after 600 s.
        var first = await responder.OpenIncidentAsync("first", "high");
        app.Clock.Advance(TimeSpan.FromSeconds(60));
        await Post(first, "acknowledge");
        app.Clock.Advance(TimeSpan.FromSeconds(120));
        await Post(first, "contain", new { summary = "blocked" });
        app.Clock.Advance(TimeSpan.FromSeconds(420));
        await Post(first, "recover", new { summary = "clean" });

        // Another acknowledged after 180 s and closed as a false positive after 300 s, never contained.
        var second = await responder.OpenIncidentAsync("second", "low");
        app.Clock.Advance(TimeSpan.FromSeconds(180));
        await Post(second, "acknowledge");
        app.Clock.Advance(TimeSpan.FromSeconds(120));
        await Post(second, "close", new { classification = "false-positive" });

        // A third, still new.
        await (await app.Anonymous().SendAsync(Samples.Delivery("generic", Samples.Generic("metrics-1")))).JsonAsync(HttpStatusCode.Accepted);

        await app.Service<IDocumentStore>().WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(30));
        var to = app.Clock.GetUtcNow().AddSeconds(1);
        var metrics = await (await app.As("viewer").GetAsync(
            $"/api/metrics/soc?from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(to.ToString("O"))}"))
            .JsonAsync(HttpStatusCode.OK);

        Assert.Equal(3, metrics["total"]!.GetValue<long>());
        Assert.Equal(120.0, metrics["mtta"]!.GetValue<double>()); // (60 + 180) / 2
        Assert.Equal(180.0, metrics["mttc"]!.GetValue<double>());
        Assert.Equal(450.0, metrics["mttr"]!.GetValue<double>()); // (600 + 300) / 2: recovery, or closing
        Assert.Equal(1, metrics["byStatus"]!["recovered"]!.GetValue<long>());
        Assert.Equal(1, metrics["byStatus"]!["closed"]!.GetValue<long>());
        Assert.Equal(1, metrics["byStatus"]!["new"]!.GetValue<long>());
        Assert.Equal(2, metrics["bySeverity"]!["high"]!.GetValue<long>());
        Assert.Equal(1, metrics["bySource"]!["generic"]!.GetValue<long>());
        Assert.Equal(0, metrics["containment"]!["automated"]!.GetValue<long>());
        Assert.Equal(1, metrics["containment"]!["manual"]!.GetValue<long>());
    }

    [Fact]
    public async Task With_no_incidents_in_range_the_means_are_null()
    {
        var metrics = await (await app.As("viewer").GetAsync("/api/metrics/soc?from=2001-01-01T00:00:00Z&to=2001-02-01T00:00:00Z"))
            .JsonAsync(HttpStatusCode.OK);
        Assert.Equal(0, metrics["total"]!.GetValue<long>());
        Assert.Null(metrics["mtta"]);
        Assert.Null(metrics["mttr"]);
        await (await app.As("viewer").GetAsync("/api/metrics/soc?from=2001-02-01T00:00:00Z&to=2001-01-01T00:00:00Z"))
            .ProblemAsync(HttpStatusCode.BadRequest);
    }
}
