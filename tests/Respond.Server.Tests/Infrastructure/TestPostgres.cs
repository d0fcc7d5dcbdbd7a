using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using DotNet.Testcontainers.Configurations;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Respond.Server.Storage.Embedded;
using Testcontainers.PostgreSql;

namespace Respond.Server.Tests.Infrastructure;

/// <summary>
/// One PostgreSQL server for the whole test run, started lazily: the server named by
/// <c>RESPOND_TEST_POSTGRES</c>, else a Testcontainers <c>postgres:15-alpine</c> when a Docker engine answers,
/// else a private cluster from the installed binaries in a temp folder that is stopped and deleted at exit.
/// Every test asks for its own fresh database.
/// </summary>
public static class TestPostgres
{
    public const string EnvironmentVariable = "RESPOND_TEST_POSTGRES";

    private static readonly Lazy<Task<Server>> Instance = new(StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Which server the run uses (for logs); "not started" until the first database is asked for.</summary>
    public static string Describe =>
        Instance.IsValueCreated && Instance.Value.IsCompletedSuccessfully ? Instance.Value.Result.Description : "not started";

    /// <summary>Creates a new empty database "&lt;prefix&gt;_&lt;random&gt;" and returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(string prefix)
    {
        var server = await Instance.Value.ConfigureAwait(false);
        var name = DatabaseName(prefix);

        await using (var connection = new NpgsqlConnection(server.AdminConnectionString))
        {
            await connection.OpenAsync().ConfigureAwait(false);
            // The name is [a-z0-9_]+ by construction.
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        server.Created.Add(name);
        return new NpgsqlConnectionStringBuilder(server.AdminConnectionString)
        {
            Database = name,
            Pooling = true,
            // Many short-lived hosts share one server: give idle pooled connections back quickly.
            ConnectionIdleLifetime = 10,
            ConnectionPruningInterval = 2,
        }.ConnectionString;
    }

    /// <summary>The server's administrator connection string (its maintenance database), for code that creates databases itself.</summary>
    public static async Task<string> AdminConnectionStringAsync() => (await Instance.Value.ConfigureAwait(false)).AdminConnectionString;

    internal static string DatabaseName(string prefix)
    {
        var cleaned = new StringBuilder();
        foreach (var c in (prefix ?? "").ToLowerInvariant())
        {
            cleaned.Append(c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' ? c : '_');
        }

        var stem = cleaned.ToString().Trim('_');
        if (stem.Length == 0)
        {
            stem = "test";
        }

        if (stem.Length > 40)
        {
            stem = stem[..40];
        }

        return $"{stem}_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}";
    }

    private static async Task<Server> StartAsync()
    {
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            var builder = new NpgsqlConnectionStringBuilder(configured);
            if (string.IsNullOrEmpty(builder.Database))
            {
                builder.Database = "postgres";
            }

            var server = new Server(builder.ConnectionString, $"{EnvironmentVariable} ({builder.Host}:{builder.Port})");
            AppDomain.CurrentDomain.ProcessExit += (_, _) => server.DropCreatedDatabases();
            return server;
        }

        if (DockerAnswers())
        {
            var container = new PostgreSqlBuilder("postgres:15-alpine").Build();
            await container.StartAsync().ConfigureAwait(false);
            AppDomain.CurrentDomain.ProcessExit += (_, _) => container.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(20));
            return new Server(container.GetConnectionString(), "Testcontainers postgres:15-alpine");
        }

        return await Task.Run(StartEmbedded).ConfigureAwait(false);
    }

    private static Server StartEmbedded()
    {
        TestClusterFolder.ReapAbandoned();
        var folder = TestClusterFolder.Create();
        EmbeddedPostgres embedded;
        try
        {
            embedded = EmbeddedPostgres.Start(new EmbeddedPostgresOptions(folder.DataRoot, "postgres"), NullLogger.Instance);
        }
        catch
        {
            folder.Dispose();
            throw;
        }

        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            // The test runner may kill the test host before this finishes; the folder's watchdog completes the job then.
            NpgsqlConnection.ClearAllPools();
            embedded.Dispose();
            folder.Dispose();
        };

        return new Server(embedded.ConnectionStringFor("postgres"), $"embedded PostgreSQL on 127.0.0.1:{embedded.Port} under {folder.DataRoot}");
    }

    private static bool DockerAnswers()
    {
        try
        {
            return TestcontainersSettings.OS.DockerEndpointAuthConfig is not null;
        }
        catch (Exception)
        {
            return false;
        }
    }

    private sealed class Server(string adminConnectionString, string description)
    {
        public string AdminConnectionString { get; } = adminConnectionString;

        public string Description { get; } = description;

        public System.Collections.Concurrent.ConcurrentBag<string> Created { get; } = [];

        // Only for a server we do not own: the container and the temp cluster disappear as a whole.
        public void DropCreatedDatabases()
        {
            try
            {
                NpgsqlConnection.ClearAllPools();
                using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(AdminConnectionString)
                {
                    Pooling = false,
                    Timeout = 5
                }.ConnectionString);
                connection.Open();
                foreach (var name in Created)
                {
                    using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
                    drop.ExecuteNonQuery();
                }
            }
            catch (NpgsqlException)
            {
                // Best effort at exit.
            }
        }
    }
}
