using System.Diagnostics.Metrics;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Respond.Server.Hosting;

/// <summary>Respond's own instruments, beside ASP.NET's, exported over OTLP when an endpoint is configured.</summary>
public sealed class RespondMetrics : IDisposable
{
    public const string MeterName = "Respond";
    private readonly Meter meter;

    public RespondMetrics(IMeterFactory meters)
    {
        meter = meters.Create(MeterName);
        AlertsIngested = meter.CreateCounter<long>("respond.alerts.ingested", "{alert}", "Alerts accepted, by source and disposition.");
        DeliveriesRefused = meter.CreateCounter<long>("respond.webhooks.refused", "{delivery}", "Webhook deliveries refused, by source and status.");
        IngestDuration = meter.CreateHistogram<double>("respond.webhooks.duration", "ms", "Time from a delivery's arrival to its durable commit.");
    }

    public Counter<long> AlertsIngested { get; }
    public Counter<long> DeliveriesRefused { get; }
    public Histogram<double> IngestDuration { get; }

    public void Dispose() => meter.Dispose();
}

public static class Telemetry
{
    public static void AddRespondTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<RespondMetrics>();

        // Only collect and export when told where to: spans nobody receives cost time on every request,
        // and an unreachable default collector would just fill the log. The meters still count, so
        // in-process listeners (and tests) see them either way.
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry()
                .WithTracing(t => t.AddAspNetCoreInstrumentation().AddSource("Marten", "Npgsql").AddOtlpExporter())
                .WithMetrics(m => m.AddAspNetCoreInstrumentation().AddMeter(RespondMetrics.MeterName, "Marten").AddOtlpExporter());
        }
    }
}
