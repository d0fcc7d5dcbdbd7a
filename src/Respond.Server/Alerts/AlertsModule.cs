using Marten;
using Respond.Server.Storage;

namespace Respond.Server.Alerts;

/// <summary>Alert intake: sources and their credentials, the ingestors, the alert records; <c>POST /api/webhooks/{source}</c>.</summary>
public static class AlertsModule
{
    public static void AddAlerts(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<Dictionary<string, SourceOptions>>(builder.Configuration.GetSection("Respond:Sources"));
        builder.Services.AddSingleton<AlertSources>();
        builder.Services.AddSingleton<SourceDirectory>();
        builder.Services.AddSingleton<SourceRateLimits>();
        builder.Services.AddSingleton<AlertSessions>();
        builder.Services.AddSingleton<AlertIngestor>();
        builder.Services.AddSingleton<DeliveryIngestor>();
        builder.Services.AddSingleton<GroupCommit>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp => new IntakeLookups(sp.GetRequiredService<RespondDatabase>().ConnectionString,
            sp.GetRequiredService<IDocumentStore>()));
        builder.Services.ConfigureMarten(options =>
        {
            options.Schema.For<AlertRecord>().Index(x => x.IncidentId!);
            options.Schema.For<CorrelationSlot>();
        });
    }

    public static void MapAlerts(this WebApplication app) => ReceiveWebhook.Map(app);
}
