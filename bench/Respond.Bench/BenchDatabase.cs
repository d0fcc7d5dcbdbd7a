using System.Globalization;
using Microsoft.Extensions.Logging;
using Npgsql;
using Respond.Server.Storage;
using Respond.Server.Storage.Embedded;

namespace Respond.Bench;

/// <summary>
/// A fresh database for one run: on the server of <c>--connection</c>, or on a private PostgreSQL cluster
/// in a temporary folder. Disposing drops what was created (the database, or the whole cluster and folder).
/// </summary>
internal sealed class BenchDatabase : IDisposable
{
    private readonly EmbeddedPostgres? _cluster;
    private readonly string? _clusterFolder;
    private readonly string? _adminConnection;
    private readonly ILogger _logger;

    private BenchDatabase(string name, string connectionString, EmbeddedPostgres? cluster, string? clusterFolder, string? adminConnection,
        ILogger logger)
    {
        Name = name;
        ConnectionString = connectionString;
        _cluster = cluster;
        _clusterFolder = clusterFolder;
        _adminConnection = adminConnection;
        _logger = logger;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    /// <summary>"private cluster" or the host:port of the given server, for the report.</summary>
    public string Where
    {
        get
        {
            var target = new NpgsqlConnectionStringBuilder(ConnectionString);
            return _cluster is null ? $"{target.Host}:{target.Port}" : $"private cluster on 127.0.0.1:{target.Port} under {_clusterFolder}";
        }
    }

    public static BenchDatabase Create(string? connection, ILogger logger)
    {
        // A new name per run, so incident counts and list timings never include an earlier run's data.
        var name = "respond_bench_" + DateTime.UtcNow.ToString("yyyyMMdd_HHmmss", CultureInfo.InvariantCulture);

        if (connection is not null)
        {
            var admin = new NpgsqlConnectionStringBuilder(connection) { Pooling = false };
            using (var session = new NpgsqlConnection(admin.ConnectionString))
            {
                session.Open();
                using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", session);
                create.ExecuteNonQuery();
            }

            var target = new NpgsqlConnectionStringBuilder(connection) { Database = name };
            return new BenchDatabase(name, target.ConnectionString, cluster: null, clusterFolder: null, admin.ConnectionString, logger);
        }

        var folder = Directory.CreateTempSubdirectory("respond-bench-pg-").FullName;
        try
        {
            var cluster = EmbeddedPostgres.Start(new EmbeddedPostgresOptions(folder), logger);
            try
            {
                cluster.CreateDatabase(name);
                return new BenchDatabase(name, cluster.ConnectionStringFor(name), cluster, folder, adminConnection: null, logger);
            }
            catch
            {
                cluster.Dispose();
                throw;
            }
        }
        catch
        {
            DeleteFolder(folder, logger);
            throw;
        }
    }

    /// <summary>The private cluster's postmaster, whose process tree is PostgreSQL's CPU; null for <c>--connection</c>.</summary>
    public int? PostmasterPid
    {
        get
        {
            var pidFile = _clusterFolder is null ? null : Path.Combine(_clusterFolder, "data", "postmaster.pid");
            return pidFile is not null && File.Exists(pidFile)
                && int.TryParse(File.ReadLines(pidFile).First(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                ? pid
                : null;
        }
    }

    public async Task<string> ServerVersionAsync()
    {
        await using var session = new NpgsqlConnection(ConnectionString);
        await session.OpenAsync();
        return session.PostgreSqlVersion.ToString();
    }

    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        if (_cluster is not null)
        {
            _cluster.Dispose(); // stops the cluster; failures are logged by EmbeddedPostgres itself
            DeleteFolder(_clusterFolder!, _logger);
            return;
        }

        try
        {
            // FORCE: a connection the killed server left half-closed must not keep the database alive.
            using var session = new NpgsqlConnection(_adminConnection);
            session.Open();
            using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", session);
            drop.ExecuteNonQuery();
        }
        catch (NpgsqlException e)
        {
            _logger.LogWarning(e, "Could not drop the bench database {Database}; drop it by hand", Name);
        }
    }

    private static void DeleteFolder(string folder, ILogger logger)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning(e, "Could not delete {Folder}; delete it by hand", folder);
        }
    }
}
