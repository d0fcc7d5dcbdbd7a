using Marten;

namespace Respond.Server.Playbooks.Library;

/// <summary>Playbook definitions: storage, the file loader, validation and the <c>/api/playbooks</c> routes.</summary>
public static class PlaybookLibrarySetup
{
    /// <summary>Marten documents and indexes of the library; called from the storage set-up.</summary>
    public static void ConfigureStorage(StoreOptions options)
    {
        _ = options;
    }

    public static void AddPlaybookLibrary(this WebApplicationBuilder builder)
    {
        _ = builder;
    }

    public static void MapPlaybookLibrary(this WebApplication app)
    {
        _ = app;
    }
}
