using Marten;
using Respond.Domain.Sources;
using Respond.Server.Alerts;

namespace Respond.Server.Sources;

/// <summary>
/// Alert sources as admins manage them (<c>/api/sources</c>): the list of every source, and sources added, rotated and
/// deleted at run time. The webhook (Alerts) finds the added ones through <see cref="IAddedSources"/>.
/// </summary>
public static class SourcesModule
{
    public static void AddSources(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<SourceSecrets>();
        services.AddSingleton<AddedSourceCache>();
        services.AddSingleton<IAddedSources>(sp => sp.GetRequiredService<AddedSourceCache>());
        services.AddSingleton<SourceChanges>();
        services.ConfigureMarten(options =>
        {
            options.Schema.For<ConsoleSourceRecord>();
            options.Events.AddEventTypes([typeof(SourceAdded), typeof(SourceSecretRotated), typeof(SourceDeleted)]);
        });
    }

    public static void MapSources(this WebApplication app)
    {
        var group = app.MapGroup("/api/sources").WithTags("Sources");
        ListSources.Map(group);
        AddSourceEndpoint.Map(group);
        RotateSourceSecretEndpoint.Map(group);
        DeleteSourceEndpoint.Map(group);
        SendTestAlertEndpoint.Map(group);
    }
}
