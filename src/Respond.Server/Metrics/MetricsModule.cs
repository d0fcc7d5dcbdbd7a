using JasperFx.Events.Projections;
using Marten;

namespace Respond.Server.Metrics;

/// <summary>SOC metrics: an async projection of incidents into rows, and <c>GET /api/metrics/soc</c> over them.</summary>
public static class MetricsModule
{
    public static void AddMetrics(this WebApplicationBuilder builder) => builder.Services.ConfigureMarten(options =>
    {
        // Async: metrics may trail the incidents by a moment.
        options.Projections.Add(new IncidentMetricsProjection(), ProjectionLifecycle.Async);
        options.Schema.For<IncidentMetricsRow>().Index(x => x.OpenedAt);
    });

    public static void MapMetrics(this WebApplication app)
    {
        GetSocMetrics.Map(app);
        GetSocTrend.Map(app);
    }
}
