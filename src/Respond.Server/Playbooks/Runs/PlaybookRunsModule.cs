using JasperFx.Events.Projections;
using Marten;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Respond.Domain.Playbooks.Expressions;
using Respond.Domain.Playbooks.Runs;

namespace Respond.Server.Playbooks.Runs;

/// <summary>The run engine, its transitions and the <c>/api/runs</c> routes.</summary>
public static class PlaybookRunsModule
{
    public static void AddPlaybookRuns(this WebApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton<IExpressionEvaluator>(_ => new JintExpressionEvaluator());
        builder.Services.AddSingleton<RunEngine>();
        builder.Services.AddSingleton<RunTransitions>();
        builder.Services.AddSingleton<TriggerSignals>();
        builder.Services.AddSingleton<TriggerMatcher>();
        builder.Services.ConfigureMarten(options =>
        {
            options.Projections.Add(new RunProjection(), ProjectionLifecycle.Inline);
            options.Schema.For<PlaybookRun>().Duplicate(x => x.IncidentId!).Duplicate(x => x.StartedAt).Duplicate(x => x.Status);
        });
    }

    public static void MapPlaybookRuns(this WebApplication app)
    {
        var group = app.MapGroup("/api/runs").WithTags("Runs");
        ListRuns.Map(group);
        GetRun.Map(group);
        CancelRunEndpoint.Map(group);
        RetryRunEndpoint.Map(group);
        StartRunByHand.Map(app);
    }
}
