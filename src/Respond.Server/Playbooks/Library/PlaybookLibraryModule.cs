using Marten;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Respond.Domain.Playbooks.Expressions;

namespace Respond.Server.Playbooks.Library;

/// <summary>Playbook definitions: storage, the file loader, validation and the <c>/api/playbooks</c> routes.</summary>
public static class PlaybookLibraryModule
{
    public static void AddPlaybookLibrary(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.TryAddSingleton<IExpressionEvaluator>(_ => new JintExpressionEvaluator());
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<PlaybookCatalog>();
        services.TryAddSingleton<IPlaybookCatalog>(sp => sp.GetRequiredService<PlaybookCatalog>());
        services.AddSingleton<PlaybookChecker>();
        services.AddSingleton<PlaybookPublisher>();
        services.AddSingleton<PlaybookFileReport>();
        services.AddHostedService<PlaybookFileLoader>();
        services.ConfigureMarten(options =>
        {
            options.Schema.For<PlaybookDraft>();
            options.Schema.For<PlaybookVersionRecord>()
                .Duplicate(x => x.PlaybookId)
                .Duplicate(x => x.Version);
            options.Schema.For<PlaybookHead>().UseOptimisticConcurrency(true);
        });
    }

    public static void MapPlaybookLibrary(this WebApplication app)
    {
        var group = app.MapGroup("/api/playbooks").WithTags("Playbooks");
        ListPlaybooks.Map(group);
        GetPlaybookSchema.Map(group);
        ValidatePlaybook.Map(group);
        GetPlaybook.Map(group);
        ListPlaybookVersions.Map(group);
        GetPlaybookVersion.Map(group);
        SavePlaybookDraft.Map(group);
        PublishPlaybook.Map(group);
    }
}
