using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using JasperFx.Events.Daemon;
using Marten;
using Npgsql;
using Respond.Server.Storage.Embedded;
using Weasel.Core;
using Wolverine.Marten;

namespace Respond.Server.Storage;

/// <summary>The connection string every part of Respond uses (after the embedded cluster has started, when it is used).</summary>
public sealed record RespondDatabase(string ConnectionString);

public static class StorageModule
{
    public const string ConnectionName = "Respond";

    /// <summary>
    /// Marten (events, documents, projections) and Hangfire share one PostgreSQL database: the
    /// configured one, or a private cluster under <c>.respond/postgres/</c> when none is configured.
    /// </summary>
    public static void AddStorage(this WebApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString(ConnectionName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            connectionString = StartEmbedded(builder);
        }

        connectionString = Tuned(connectionString);
        var services = builder.Services;
        services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString));
        services.AddSingleton(new RespondDatabase(connectionString));

        // HotCold: nodes on one database elect one leader (a PostgreSQL advisory lock) to run the async projections.
        var daemonMode = builder.Configuration.GetValue("Respond:Storage:DaemonMode", DaemonMode.HotCold);
        services.AddMarten(_ => ConfigureMarten(connectionString))
            .UseLightweightSessions()
            .ApplyAllDatabaseChangesOnStartup()
            .AddAsyncDaemon(daemonMode)
            .IntegrateWithWolverine();

        builder.AddWolverineMessaging();

        // The storage is this host's own service, not Hangfire's global JobStorage.Current: several hosts in one process (the
        // tests run many) would otherwise share, and dispose, each other's storage and database.
        services.AddSingleton<JobStorage>(_ =>
        {
            var options = HangfireOptions();
            return new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, options), options);
        });
        services.AddHangfire((provider, config) => config
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseLogProvider(new HangfireLogBridge(provider.GetRequiredService<ILoggerFactory>())));
        services.AddHangfireServer(options =>
        {
            options.WorkerCount = builder.Configuration.GetValue("Respond:Hangfire:Workers", 4);
            options.SchedulePollingInterval = TimeSpan.FromSeconds(1);
        });
    }

    private static PostgreSqlStorageOptions HangfireOptions() => new()
    {
        SchemaName = "hangfire",
        PrepareSchemaIfNecessary = true,
        // Hangfire's defaults poll every 15 s and hide a crashed server's job for 30 min.
        QueuePollInterval = TimeSpan.FromSeconds(1),
        InvisibilityTimeout = TimeSpan.FromMinutes(5),
        UseSlidingInvisibilityTimeout = true,
        EnableLongPolling = true,
    };

    internal static StoreOptions ConfigureMarten(string connectionString)
    {
        var options = new StoreOptions();
        options.Connection(connectionString);
        options.DatabaseSchemaName = "respond";
        options.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase);

        options.Events.MetadataConfig.CorrelationIdEnabled = true;
        options.Events.MetadataConfig.CausationIdEnabled = true;
        options.Events.MetadataConfig.HeadersEnabled = true;
        options.Events.MetadataConfig.UserNameEnabled = true;

        // Each slice adds its own documents and projections (services.ConfigureMarten in its module).
        return options;
    }

    /// <summary>
    /// Per-alert statements are the same few shapes: let Npgsql prepare them, and skip the
    /// DISCARD ALL on every pool return (nothing here changes session state). Explicit settings win.
    /// </summary>
    internal static string Tuned(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!connectionString.Contains("Max Auto Prepare", StringComparison.OrdinalIgnoreCase))
        {
            builder.MaxAutoPrepare = 64;
            builder.AutoPrepareMinUsages = 2;
        }

        if (!connectionString.Contains("No Reset On Close", StringComparison.OrdinalIgnoreCase))
        {
            builder.NoResetOnClose = true;
        }

        return builder.ConnectionString;
    }

    private static string StartEmbedded(WebApplicationBuilder builder)
    {
        // The cluster logs through this factory for its whole life (stop, lock waits), so the host owns and disposes it.
        var loggerFactory = LoggerFactory.Create(logging => logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
        }));
        builder.Services.AddSingleton(new EmbeddedPostgresLogging(loggerFactory));
        var logger = loggerFactory.CreateLogger("Respond.Storage");
        var dataRoot = RepositoryRoot.Resolve(
            builder.Configuration["Respond:Storage:EmbeddedPath"] ?? ".respond/postgres",
            builder.Environment.ContentRootPath);

        var postgres = EmbeddedPostgres.Start(new EmbeddedPostgresOptions(dataRoot), logger);
        logger.LogInformation(
            "No ConnectionStrings:Respond is set: using the private PostgreSQL cluster under {DataRoot} on 127.0.0.1:{Port}",
            dataRoot, postgres.Port);

        builder.Services.AddSingleton(postgres);
        builder.Services.AddHostedService<EmbeddedPostgresLifetime>();
        builder.Configuration[$"ConnectionStrings:{ConnectionName}"] = postgres.ConnectionString;
        return postgres.ConnectionString;
    }
}

internal sealed class EmbeddedPostgresLogging(ILoggerFactory factory) : IDisposable
{
    public void Dispose() => factory.Dispose();
}

/// <summary>Stops the private cluster after everything else has stopped using it.</summary>
internal sealed class EmbeddedPostgresLifetime(EmbeddedPostgres postgres, ILogger<EmbeddedPostgresLifetime> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken)
    {
        logger.LogInformation("Stopping the private PostgreSQL cluster");
        postgres.Stop();
        return Task.CompletedTask;
    }
}
