using Marten;

namespace Respond.Server.Runbooks;

/// <summary>
/// Runbooks: playbooks triggered by <c>schedule</c>. Hangfire fires them (one recurring job each), the durable engine runs them,
/// and a failure opens an incident from the source <c>runbooks</c>. Routes under <c>/api/runbooks</c>.
/// </summary>
public static class RunbooksModule
{
    public static void AddRunbooks(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<RunbookDirectory>();
        services.AddSingleton<RunbookStarter>();
        services.AddSingleton<RunbookRunGuard>();
        services.AddTransient<RunbookJob>();
        services.AddSingleton<RunbookSchedules>();
        services.AddHostedService(sp => sp.GetRequiredService<RunbookSchedules>());
        services.ConfigureMarten((sp, options) => options.Events.Subscribe(new RunbookFailures(sp)));
    }

    public static void MapRunbooks(this WebApplication app)
    {
        var group = app.MapGroup("/api/runbooks").WithTags("Runbooks");
        ListRunbooks.Map(group);
        ListRunbookRuns.Map(group);
        TriggerRunbook.Map(group);
    }
}
