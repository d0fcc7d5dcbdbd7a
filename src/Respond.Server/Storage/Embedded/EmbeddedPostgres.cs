using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;

namespace Respond.Server.Storage.Embedded;

/// <summary>
/// The embedded default: a private PostgreSQL cluster provisioned from the machine's installed binaries,
/// listening on 127.0.0.1 only, protected by a generated password (scram-sha-256), and run as the
/// <c>postgres</c> user when the caller is root. <see cref="Start"/> is idempotent: it initialises the
/// cluster when there is none, reuses it when it is already running, and starts (or recovers) it otherwise.
/// </summary>
public sealed partial class EmbeddedPostgres : IDisposable
{
    internal const string NoBinariesMessage =
        "No PostgreSQL connection string is configured (ConnectionStrings:Respond) and no PostgreSQL binaries were found on PATH, " +
        "via pg_config or under /usr/lib/postgresql; install PostgreSQL 15+ or set ConnectionStrings__Respond.";

    private const string UserName = "respond";

    internal const string SystemUser = "postgres";

    private const int MaximumPoolSize = 100;

    private static readonly TimeSpan LockTimeout = TimeSpan.FromMinutes(3);

    private static readonly TimeSpan InitTimeout = TimeSpan.FromMinutes(3);

    private static readonly TimeSpan PgCtlTimeout = TimeSpan.FromSeconds(90);

    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromMinutes(10);

    private readonly Lock _gate = new();

    private readonly ILogger _logger;

    private readonly string _binFolder;

    private readonly string _dataRoot;

    private readonly string _password;

    private readonly string _database;

    private readonly string? _runUser;

    private bool _stopped;

    private EmbeddedPostgres(Layout layout, string binFolder, string? runUser, string password, int port, string database, ILogger logger)
    {
        _binFolder = binFolder;
        _dataRoot = layout.Root;
        _runUser = runUser;
        _password = password;
        _database = database;
        _logger = logger;
        Port = port;
    }

    /// <summary>The TCP port on 127.0.0.1 the cluster listens on.</summary>
    public int Port { get; }

    /// <summary>The connection string for <see cref="EmbeddedPostgresOptions.Database"/>.</summary>
    public string ConnectionString => ConnectionStringFor(_database);

    private Layout Files => new(_dataRoot);

    /// <summary>
    /// Provisions (initdb), starts or reuses the cluster under <see cref="EmbeddedPostgresOptions.DataRoot"/> and
    /// creates the database if it is missing. Synchronous: it runs before the host is built.
    /// </summary>
    public static EmbeddedPostgres Start(EmbeddedPostgresOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.DataRoot);
        ValidateDatabaseName(options.Database);

        var binFolder = PostgresBinaries.Find() ?? throw new EmbeddedPostgresException(NoBinariesMessage);
        var layout = new Layout(Path.GetFullPath(options.DataRoot));
        var runUser = IsRoot() ? SystemUser : null;

        Directory.CreateDirectory(layout.Root);
        if (runUser is not null)
        {
            EnsureRunUserExists();
            EnsureTraversable(layout.Root, logger);
        }

        using var fileLock = AcquireLock(layout, logger);
        var password = EnsurePassword(layout);
        RestrictToOwner(layout.Root, directory: true);
        if (runUser is not null)
        {
            // PostgreSQL refuses root: the cluster's folder, password file and log belong to postgres.
            Run("chown", ["-R", SystemUser, layout.Root], TimeSpan.FromMinutes(2), workingDirectory: null).ThrowIfFailed("chown");
        }

        if (!layout.ClusterExists)
        {
            Initialize(layout, binFolder, runUser, logger);
        }

        var running = RunningPostmaster(layout);
        int port;
        var startedHere = false;
        if (running is { } postmaster)
        {
            port = postmaster.Port;
            RememberPort(layout, port);
            logger.LogInformation("Reusing the private PostgreSQL already running on 127.0.0.1:{Port} " +
                "(pid {Pid}) from {DataDirectory}", port, postmaster.Pid, layout.Data);
        }
        else
        {
            port = StartPostmaster(layout, binFolder, runUser, logger);
            startedHere = true;
        }

        var instance = new EmbeddedPostgres(layout, binFolder, runUser, password, port, options.Database, logger);
        try
        {
            instance.WaitUntilReady();
            instance.CreateDatabase(options.Database);
        }
        catch when (startedHere)
        {
            // Do not leave a cluster behind that nobody can use; Stop takes the lock itself.
            fileLock.Dispose();
            instance.StopQuietly();
            throw;
        }

        return instance;
    }

    /// <summary>The connection string for <paramref name="database"/> on this cluster.</summary>
    public string ConnectionStringFor(string database)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(database);
        return new NpgsqlConnectionStringBuilder
        {
            Host = IPAddress.Loopback.ToString(),
            Port = Port,
            Username = UserName,
            Password = _password,
            Database = database,
            MaxPoolSize = MaximumPoolSize,
        }.ConnectionString;
    }

    /// <summary>Creates the database <paramref name="name"/> ([a-z0-9_]+) unless it exists.</summary>
    public void CreateDatabase(string name)
    {
        ValidateDatabaseName(name);
        using var connection = new NpgsqlConnection(AdminConnectionString());
        connection.Open();

        using (var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection))
        {
            exists.Parameters.Add(new NpgsqlParameter { Value = name });
            if (exists.ExecuteScalar() is not null)
            {
                return;
            }
        }

        try
        {
            // The name is validated against [a-z0-9_]+, so quoting it is enough.
            using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            create.ExecuteNonQuery();
            _logger.LogInformation("Created database {Database} in the private PostgreSQL on 127.0.0.1:{Port}", name, Port);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
        {
            // Another process created it concurrently.
        }
    }

    /// <summary>Stops the cluster (<c>pg_ctl stop -m fast</c>). Idempotent.</summary>
    public void Stop()
    {
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }

            var layout = Files;
            using (AcquireLock(layout, _logger))
            {
                if (RunningPostmaster(layout) is not { } postmaster)
                {
                    _stopped = true;
                    return;
                }

                var result = RunAs(_runUser, Executable("pg_ctl"), ["-D", layout.Data, "-m", "fast", "-w", "-t", "60", "stop"],
                    PgCtlTimeout, layout.Root);
                if (result.ExitCode != 0 && RunningPostmaster(layout) is not null)
                {
                    throw new EmbeddedPostgresException(
                        $"pg_ctl could not stop the private PostgreSQL under {layout.Data} (exit code {result.ExitCode}): {result.Output}");
                }

                // pg_ctl returns once postmaster.pid is gone, a moment before the process itself has exited.
                var clock = Stopwatch.StartNew();
                while (IsAlive(postmaster.Pid) && clock.Elapsed < TimeSpan.FromSeconds(10))
                {
                    Thread.Sleep(20);
                }
            }

            _stopped = true;
            _logger.LogInformation("Stopped private PostgreSQL on 127.0.0.1:{Port}", Port);
        }
    }

    /// <summary>Stops the cluster; failures are logged, not thrown.</summary>
    public void Dispose() => StopQuietly();

    private void StopQuietly()
    {
        try
        {
            Stop();
        }
        catch (Exception e) when (e is EmbeddedPostgresException or IOException or TimeoutException or InvalidOperationException
                                       or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
        {
            _logger.LogWarning(e, "Could not stop the private PostgreSQL on 127.0.0.1:{Port}", Port);
        }
    }

    private string Executable(string name) => PostgresBinaries.Executable(_binFolder, name);

    private string AdminConnectionString() => new NpgsqlConnectionStringBuilder
    {
        Host = IPAddress.Loopback.ToString(),
        Port = Port,
        Username = UserName,
        Password = _password,
        Database = "postgres",
        Pooling = false,
        Timeout = 5,
    }.ConnectionString;

    private void WaitUntilReady()
    {
        var clock = Stopwatch.StartNew();
        var loggedRecovery = false;
        while (true)
        {
            Exception failure;
            try
            {
                using var connection = new NpgsqlConnection(AdminConnectionString());
                connection.Open();
                using var probe = new NpgsqlCommand("SELECT 1", connection);
                probe.ExecuteScalar();
                return;
            }
            catch (PostgresException e)
                when (e.SqlState is PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification)
            {
                throw new EmbeddedPostgresException(
                    $"The private PostgreSQL on 127.0.0.1:{Port} rejected the credentials in {Files.PasswordFile} " +
                    $"({e.SqlState}); restore that file or delete {_dataRoot} to provision a new cluster.");
            }
            catch (Exception e) when (e is NpgsqlException or SocketException or IOException or TimeoutException)
            {
                failure = e;
            }

            // 57P03: the server is up but still replaying WAL after a crash; that may take longer than a cold start.
            var recovering = failure is PostgresException { SqlState: PostgresErrorCodes.CannotConnectNow };
            if (recovering && !loggedRecovery)
            {
                loggedRecovery = true;
                _logger.LogInformation("The private PostgreSQL on 127.0.0.1:{Port} is recovering; waiting for it to accept connections", Port);
            }

            var limit = recovering ? RecoveryTimeout : ReadyTimeout;
            if (clock.Elapsed > limit)
            {
                throw new EmbeddedPostgresException(
                    $"The private PostgreSQL on 127.0.0.1:{Port} did not accept connections within {limit.TotalSeconds:0} " +
                    $"s ({failure.Message}). Last lines of {Files.LogFile}:{Environment.NewLine}{LogTail(Files)}");
            }

            Thread.Sleep(200);
        }
    }

    private static void ValidateDatabaseName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 63 || !DatabaseName().IsMatch(name))
        {
            throw new ArgumentException($"Database name '{name}' must match [a-z0-9_]+ (at most 63 characters).", nameof(name));
        }
    }

    [GeneratedRegex("^[a-z0-9_]+$", RegexOptions.CultureInvariant)]
    private static partial Regex DatabaseName();
}
