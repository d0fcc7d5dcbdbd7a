using System.Diagnostics.Metrics;
using System.Net;
using Respond.Server.Hosting;
using Respond.Server.Tests.Infrastructure;

namespace Respond.Server.Tests.Hosting;

public class OperabilityTests(RespondApp app) : IClassFixture<RespondApp>
{
    [Fact]
    public async Task Ready_checks_postgres_and_hangfire()
    {
        var ready = await Poll.UntilAsync(() => app.Anonymous().GetAsync("/health/ready"), r => r.IsSuccessStatusCode,
            TimeSpan.FromSeconds(30), "readiness");
        var body = await ready.JsonAsync(HttpStatusCode.OK);
        Assert.Equal("healthy", body["checks"]!["postgres"]!["status"]!.GetValue<string>());
        Assert.Equal("healthy", body["checks"]!["hangfire"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_openapi_document_describes_every_api_route()
    {
        var doc = await (await app.Anonymous().GetAsync("/openapi/v1.json")).JsonAsync(HttpStatusCode.OK);
        var paths = doc["paths"]!.AsObject().Select(p => p.Key).ToList();
        foreach (var expected in new[]
                 {
                     "/api/webhooks/{source}", "/api/incidents", "/api/incidents/{id}", "/api/incidents/{id}/timeline",
                     "/api/incidents/{id}/acknowledge", "/api/incidents/{id}/close", "/api/metrics/soc", "/api/session",
                     "/api/sources", "/api/sources/{name}", "/api/sources/{name}/rotate", "/api/sources/{name}/test",
                 })
        {
            Assert.Contains(expected, paths);
        }

        var reference = await app.Anonymous().GetAsync("/openapi/v1");
        Assert.Equal(HttpStatusCode.OK, reference.StatusCode);
        Assert.Equal("text/html", reference.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Ingestion_is_counted_and_timed()
    {
        var counted = 0L;
        var timed = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == RespondMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (instrument.Name == "respond.alerts.ingested")
            {
                Interlocked.Add(ref counted, value);
            }
        });
        listener.SetMeasurementEventCallback<double>((instrument, _, _, _) =>
        {
            if (instrument.Name == "respond.webhooks.duration")
            {
                Interlocked.Increment(ref timed);
            }
        });
        listener.Start();

        await (await app.Anonymous().SendAsync(Samples.Delivery("generic",
            Samples.Generic(Guid.NewGuid().ToString())))).JsonAsync(HttpStatusCode.Accepted);
        Assert.True(Interlocked.Read(ref counted) >= 1);
        Assert.True(timed >= 1);
    }

    [Fact]
    public async Task Secrets_never_reach_the_logs_or_answers()
    {
        var request = Samples.Delivery("generic", Samples.Generic(Guid.NewGuid().ToString()), token: null);
        request.RequestUri = new Uri($"/api/webhooks/generic?code={TestUsers.SourceToken}", UriKind.Relative);
        var accepted = await (await app.Anonymous().SendAsync(request)).Content.ReadAsStringAsync();
        var refused = await (await app.Anonymous().SendAsync(Samples.Delivery("generic", "{}",
            token: "guess-" + TestUsers.SourceToken))).Content.ReadAsStringAsync();
        await app.As("admin").GetAsync("/api/incidents");
        await app.Anonymous().GetAsync("/hangfire");

        var everything = string.Join("\n", app.Logs.Lines) + accepted + refused;
        Assert.DoesNotContain("ApiKey was not authenticated", everything, StringComparison.Ordinal); // source tokens are not user keys
        Assert.Contains("/api/webhooks/generic", everything, StringComparison.Ordinal); // the request was logged...
        foreach (var secret in new[] { TestUsers.SourceToken, TestUsers.SigningSecret, TestUsers.AdminKey, TestUsers.ResponderKey })
        {
            Assert.DoesNotContain(secret, everything, StringComparison.Ordinal); // ...but none of its secrets
        }
    }
}
