using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;

namespace Respond.Server.Storage;

/// <summary>Raised when the private PostgreSQL cluster cannot be provisioned, started or reached.</summary>
public sealed class EmbeddedPostgresException(string message) : Exception(message);

/// <summary>Where the private cluster lives (<c>data/</c>, <c>port</c>, <c>password</c>, <c>postgres.log</c>) and the database to create.</summary>
public sealed record EmbeddedPostgresOptions(string DataRoot, string Database = "respond");

/// <summary>
/// The embedded default: a private PostgreSQL cluster provisioned from the machine's installed binaries,
/// listening on 127.0.0.1 only, protected by a generated password (scram-sha-256), and run as the
/// <c>postgres</c> user when the caller is root. <see cref="Start"/> is idempotent: it initialises the
/// cluster when there is none, reuses it when it is already running, and starts (or recovers) it otherwise.
/// </summary>
public sealed partial class EmbeddedPostgres : IDisposable
{
    internal const string NoBinariesMessage =
        "No PostgreSQL connection string is configured (ConnectionStrings:Respond) and no PostgreSQL binaries were found on PATH, via pg_config or under /usr/lib/postgresql; install PostgreSQL 15+ or set ConnectionStrings__Respond.";

    private const string UserName = "respond";
    private const string SystemUser = "postgres";
    private const int MaximumPoolSize = 100;

    private static readonly TimeSpan LockTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan InitTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan PgCtlTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromMinutes(10);

    // Appended to postgresql.conf at initdb. Durability (fsync, synchronous_commit) is a product promise.
    private static readonly string[] ServiceSettings =
    [
        "listen_addresses = '127.0.0.1'",
        "unix_socket_directories = ''",
        "max_connections = 300",
        "shared_buffers = 256MB",
        "fsync = on",
        "synchronous_commit = on",
        "full_page_writes = on",
        "idle_in_transaction_session_timeout = '60s'",
        "log_min_messages = warning",
        "password_encryption = 'scram-sha-256'",
    ];

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
            logger.LogInformation("Reusing the private PostgreSQL already running on 127.0.0.1:{Port} (pid {Pid}) from {DataDirectory}", port, postmaster.Pid, layout.Data);
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

                var result = RunAs(_runUser, Executable("pg_ctl"), ["-D", layout.Data, "-m", "fast", "-w", "-t", "60", "stop"], PgCtlTimeout, layout.Root);
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
        catch (Exception e) when (e is EmbeddedPostgresException or IOException or TimeoutException or InvalidOperationException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
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
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification)
            {
                throw new EmbeddedPostgresException(
                    $"The private PostgreSQL on 127.0.0.1:{Port} rejected the credentials in {Files.PasswordFile} ({e.SqlState}); restore that file or delete {_dataRoot} to provision a new cluster.");
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
                    $"The private PostgreSQL on 127.0.0.1:{Port} did not accept connections within {limit.TotalSeconds:0} s ({failure.Message}). Last lines of {Files.LogFile}:{Environment.NewLine}{LogTail(Files)}");
            }

            Thread.Sleep(200);
        }
    }

    private static void Initialize(Layout layout, string binFolder, string? runUser, ILogger logger)
    {
        logger.LogInformation("Provisioning a private PostgreSQL cluster under {DataDirectory} from {BinFolder}{RunAs}",
            layout.Data, binFolder, runUser is null ? "" : " as the postgres user (PostgreSQL refuses to run as root)");

        // initdb works in a staging folder that is renamed to data/ only when complete, so an interrupted
        // initdb never leaves a half-made cluster behind.
        var staging = layout.Staging;
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true);
        }

        if (Directory.Exists(layout.Data))
        {
            if (Directory.EnumerateFileSystemEntries(layout.Data).Any())
            {
                throw new EmbeddedPostgresException(
                    $"{layout.Data} is not empty but holds no PostgreSQL cluster (no PG_VERSION); move it away or delete it to provision a new cluster.");
            }

            Directory.Delete(layout.Data);
        }

        string[] common =
        [
            "-D", staging,
            "--auth=scram-sha-256",
            "--username=" + UserName,
            "--pwfile=" + layout.PasswordFile,
            "--encoding=UTF8",
            "--data-checksums",
        ];

        var initdb = PostgresBinaries.Executable(binFolder, "initdb");
        // C collation: byte-order sorting cannot be corrupted by an operating system's collation update.
        var result = RunAs(runUser, initdb, [.. common, "--locale=C.UTF-8", "--lc-collate=C"], InitTimeout, layout.Root);
        if (result.ExitCode != 0 && result.Output.Contains("locale", StringComparison.OrdinalIgnoreCase))
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }

            result = RunAs(runUser, initdb, [.. common, "--locale=C"], InitTimeout, layout.Root);
        }

        if (result.ExitCode != 0)
        {
            throw new EmbeddedPostgresException(
                $"initdb could not create the private PostgreSQL cluster under {layout.Data} (exit code {result.ExitCode}): {result.Output}");
        }

        var settings = new StringBuilder()
            .AppendLine()
            .AppendLine("# Respond: private cluster for one service (loopback only, durable commits).");
        foreach (var setting in ServiceSettings)
        {
            settings.AppendLine(setting);
        }

        File.AppendAllText(Path.Combine(staging, "postgresql.conf"), settings.ToString());
        Directory.Move(staging, layout.Data);
    }

    private static int StartPostmaster(Layout layout, string binFolder, string? runUser, ILogger logger)
    {
        RemoveStalePidFile(layout, logger);
        var port = ChoosePort(layout, logger);
        var pgCtl = PostgresBinaries.Executable(binFolder, "pg_ctl");
        var clock = Stopwatch.StartNew();
        var portChanges = 0;
        var waitedForOrphans = false;
        while (true)
        {
            var logOffset = LogLength(layout);
            var result = RunAs(runUser, pgCtl,
                ["-D", layout.Data, "-l", layout.LogFile, "-w", "-t", "60", "-o", $"-p {port.ToString(CultureInfo.InvariantCulture)}", "start"],
                PgCtlTimeout, layout.Root);
            if (result.ExitCode == 0)
            {
                logger.LogInformation("Started private PostgreSQL on 127.0.0.1:{Port} from {DataDirectory}", port, layout.Data);
                return port;
            }

            // pg_ctl gave up waiting but the postmaster is alive (e.g. a long crash recovery): let the readiness wait decide.
            if (RunningPostmaster(layout) is { } postmaster)
            {
                logger.LogInformation("Private PostgreSQL is starting on 127.0.0.1:{Port} (pid {Pid}); pg_ctl stopped waiting for it", postmaster.Port, postmaster.Pid);
                return postmaster.Port;
            }

            var attemptLog = LogTail(layout, logOffset);
            if (clock.Elapsed < TimeSpan.FromSeconds(60))
            {
                if (portChanges < 5 && !IsPortFree(port))
                {
                    var taken = port;
                    port = FreePort();
                    portChanges++;
                    RememberPort(layout, port);
                    logger.LogInformation("Port {OldPort} was taken by another process; the private PostgreSQL now uses 127.0.0.1:{Port}", taken, port);
                    continue;
                }

                // After a crash, the dead postmaster's orphaned backends hold its shared memory for a moment.
                if (attemptLog.Contains("shared memory block", StringComparison.Ordinal) || attemptLog.Contains("lock file", StringComparison.Ordinal))
                {
                    if (!waitedForOrphans)
                    {
                        waitedForOrphans = true;
                        logger.LogInformation("Waiting for the processes of the previous (crashed) private PostgreSQL to exit before starting it again");
                    }

                    Thread.Sleep(250);
                    RemoveStalePidFile(layout, logger);
                    continue;
                }
            }

            throw new EmbeddedPostgresException(
                $"The private PostgreSQL under {layout.Data} did not start (pg_ctl exit code {result.ExitCode}: {result.Output}). Last lines of {layout.LogFile}:{Environment.NewLine}{(attemptLog.Length > 0 ? attemptLog : LogTail(layout))}");
        }
    }

    private static int ChoosePort(Layout layout, ILogger logger)
    {
        var remembered = ReadPort(layout);
        if (remembered is { } port && IsPortFree(port))
        {
            return port;
        }

        var chosen = FreePort();
        RememberPort(layout, chosen);
        if (remembered is { } taken)
        {
            logger.LogInformation("Port {OldPort} is taken by another process; the private PostgreSQL now uses 127.0.0.1:{Port}", taken, chosen);
        }

        return chosen;
    }

    private static int? ReadPort(Layout layout)
    {
        try
        {
            return File.Exists(layout.PortFile)
                && int.TryParse(File.ReadAllText(layout.PortFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var port)
                && port is > 0 and < 65536
                ? port
                : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static void RememberPort(Layout layout, int port)
    {
        if (ReadPort(layout) != port)
        {
            File.WriteAllText(layout.PortFile, port.ToString(CultureInfo.InvariantCulture) + "\n");
        }
    }

    private static bool IsPortFree(int port)
    {
        try
        {
            var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    private readonly record struct Postmaster(int Pid, int Port);

    // The postmaster recorded in data/postmaster.pid, when that process is alive and is a PostgreSQL server of this data folder.
    private static Postmaster? RunningPostmaster(Layout layout)
    {
        var lines = ReadPidFile(layout.PidFile);
        if (lines is null || lines.Length < 4
            || !int.TryParse(lines[0].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            || !int.TryParse(lines[3].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            return null;
        }

        return IsPostmasterOf(pid, lines) ? new Postmaster(pid, port) : null;
    }

    private static bool IsPostmasterOf(int pid, string[] pidFileLines)
    {
        if (!IsAlive(pid))
        {
            return false;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            if (!string.Equals(process.ProcessName, "postgres", StringComparison.Ordinal))
            {
                return false;
            }
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false;
        }

        if (OperatingSystem.IsLinux())
        {
            // The postmaster runs in its data folder: its own postmaster.pid must be the one we read.
            var theirs = ReadPidFile($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cwd/postmaster.pid");
            if (theirs is not null)
            {
                return theirs.Length >= 3 && theirs[0] == pidFileLines[0] && theirs[1] == pidFileLines[1] && theirs[2] == pidFileLines[2];
            }

            // Unreadable (another user's process without privileges): trust the process name.
        }

        return true;
    }

    private static string[]? ReadPidFile(string path)
    {
        try
        {
            if (!File.Exists(path))
            {
                return null;
            }

            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd().Split('\n');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    // A postmaster.pid whose postmaster is gone (after a crash) is stale. PostgreSQL removes it itself when the pid is free, but
    // refuses to start while that pid answers: a crashed postmaster not yet reaped (zombie), or a pid reused by another
    // process after a reboot or container restart. RunningPostmaster has ruled out a live postmaster of this folder.
    private static void RemoveStalePidFile(Layout layout, ILogger logger)
    {
        var lines = ReadPidFile(layout.PidFile);
        if (lines is null || RunningPostmaster(layout) is not null)
        {
            return;
        }

        var pid = int.TryParse(lines[0].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;
        logger.LogInformation("Removing the stale postmaster.pid of the private PostgreSQL (pid {Pid} is not running it); it did not shut down cleanly", pid);
        File.Delete(layout.PidFile);
    }

    // A zombie (exited, not yet reaped by its parent or init) counts as gone.
    internal static bool IsAlive(int pid)
    {
        if (OperatingSystem.IsLinux())
        {
            try
            {
                var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
                var state = stat.AsSpan(stat.LastIndexOf(')') + 1).TrimStart();
                return state.Length > 0 && state[0] is not ('Z' or 'X' or 'x');
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return false;
            }
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static string EnsurePassword(Layout layout)
    {
        var existing = File.Exists(layout.PasswordFile) ? File.ReadAllText(layout.PasswordFile).Split('\n')[0].Trim() : "";
        if (existing.Length > 0)
        {
            RestrictToOwner(layout.PasswordFile, directory: false);
            return existing;
        }

        if (layout.ClusterExists)
        {
            throw new EmbeddedPostgresException(
                $"The private PostgreSQL cluster under {layout.Data} has no password file at {layout.PasswordFile}; restore it or delete {layout.Root} to provision a new cluster.");
        }

        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        var password = RandomNumberGenerator.GetString(alphabet, 40);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(layout.PasswordFile, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(password + "\n");
        }

        RestrictToOwner(layout.PasswordFile, directory: false);
        return password;
    }

    private static void RestrictToOwner(string path, bool directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | (directory ? UnixFileMode.UserExecute : UnixFileMode.None);
        if (File.GetUnixFileMode(path) != mode)
        {
            File.SetUnixFileMode(path, mode);
        }
    }

    private static FileStream AcquireLock(Layout layout, ILogger logger)
    {
        var clock = Stopwatch.StartNew();
        var waiting = false;
        while (true)
        {
            try
            {
                return new FileStream(layout.LockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (clock.Elapsed < LockTimeout)
            {
                if (!waiting)
                {
                    waiting = true;
                    logger.LogInformation("Waiting for another process that is starting or stopping the private PostgreSQL under {DataRoot}", layout.Root);
                }

                Thread.Sleep(100);
            }
            catch (IOException e)
            {
                throw new EmbeddedPostgresException(
                    $"Another process has held {layout.LockFile} for more than {LockTimeout.TotalSeconds:0} s ({e.Message}); stop it or remove the lock file.");
            }
        }
    }

    private static bool IsRoot()
    {
        if (OperatingSystem.IsWindows())
        {
            return false;
        }

        try
        {
            // "Uid:\treal\teffective\tsaved\tfs"
            if (File.Exists("/proc/self/status"))
            {
                var uid = File.ReadLines("/proc/self/status").FirstOrDefault(line => line.StartsWith("Uid:", StringComparison.Ordinal));
                var fields = uid?.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                if (fields is { Length: >= 3 })
                {
                    return fields[2] == "0";
                }
            }
        }
        catch (IOException)
        {
            // Fall back to the user name below.
        }

        return string.Equals(Environment.UserName, "root", StringComparison.Ordinal);
    }

    private static void EnsureRunUserExists()
    {
        ProcessResult result;
        try
        {
            result = Run("id", ["-u", SystemUser], TimeSpan.FromSeconds(10), workingDirectory: null);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return; // No id(1): runuser will report a missing user itself.
        }

        if (result.ExitCode != 0)
        {
            throw new EmbeddedPostgresException(
                "PostgreSQL refuses to run as root and this machine has no 'postgres' user to run the private cluster as; run the server as a normal user, create that user, or set ConnectionStrings__Respond.");
        }
    }

    // Every folder above the data root must be traversable by postgres (e.g. /root is often 0700).
    private static void EnsureTraversable(string dataRoot, ILogger logger)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        for (var folder = Directory.GetParent(dataRoot); folder is not null; folder = folder.Parent)
        {
            var mode = File.GetUnixFileMode(folder.FullName);
            if (!mode.HasFlag(UnixFileMode.OtherExecute))
            {
                File.SetUnixFileMode(folder.FullName, mode | UnixFileMode.OtherExecute);
                logger.LogInformation("Made {Folder} traversable (o+x) so the postgres user can reach {DataRoot}", folder.FullName, dataRoot);
            }
        }
    }

    private static long LogLength(Layout layout)
    {
        try
        {
            return File.Exists(layout.LogFile) ? new FileInfo(layout.LogFile).Length : 0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    // The last lines of postgres.log, or of what was written to it after byte offset `since`.
    private static string LogTail(Layout layout, long since = -1)
    {
        try
        {
            if (!File.Exists(layout.LogFile))
            {
                return since < 0 ? "(no log)" : "";
            }

            using var stream = new FileStream(layout.LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            stream.Seek(Math.Max(Math.Max(0, since), stream.Length - 4096), SeekOrigin.Begin);
            using var reader = new StreamReader(stream);
            var lines = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            return string.Join(Environment.NewLine, lines.TakeLast(15));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"(log unreadable: {e.Message})";
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

    private static ProcessResult RunAs(string? runUser, string executable, IReadOnlyList<string> arguments, TimeSpan timeout, string workingDirectory) =>
        runUser is null
            ? Run(executable, arguments, timeout, workingDirectory)
            : Run(RunUserTool(), ["-u", runUser, "--", executable, .. arguments], timeout, workingDirectory);

    private static string RunUserTool() =>
        new[] { "/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser", "/bin/runuser" }.FirstOrDefault(File.Exists)
        ?? throw new EmbeddedPostgresException(
            "PostgreSQL refuses to run as root and runuser (util-linux) was not found to run it as the postgres user; run the server as a normal user or set ConnectionStrings__Respond.");

    private static ProcessResult Run(string executable, IReadOnlyList<string> arguments, TimeSpan timeout, string? workingDirectory) =>
        ChildProcess.Run(executable, arguments, timeout, workingDirectory);

    private sealed record Layout(string Root)
    {
        public string Data => Path.Combine(Root, "data");
        public string Staging => Path.Combine(Root, "data.initdb");
        public string PortFile => Path.Combine(Root, "port");
        public string PasswordFile => Path.Combine(Root, "password");
        public string LogFile => Path.Combine(Root, "postgres.log");
        public string LockFile => Path.Combine(Root, ".lock");
        public string PidFile => Path.Combine(Data, "postmaster.pid");
        public bool ClusterExists => File.Exists(Path.Combine(Data, "PG_VERSION"));
    }
}

internal sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError)
{
    public string Output => string.Join(" ", $"{StandardError}\n{StandardOutput}".Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    public void ThrowIfFailed(string what)
    {
        if (ExitCode != 0)
        {
            throw new EmbeddedPostgresException($"{what} failed with exit code {ExitCode}: {Output}");
        }
    }
}

/// <summary>Runs a child process with both output streams drained concurrently and a hard timeout.</summary>
internal static class ChildProcess
{
    public static ProcessResult Run(string executable, IReadOnlyList<string> arguments, TimeSpan timeout, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        if (workingDirectory is not null)
        {
            info.WorkingDirectory = workingDirectory;
        }

        // The cluster's own settings come from its folder, not from the caller's libpq environment; messages in English.
        info.Environment.Remove("PGDATA");
        info.Environment.Remove("PGPORT");
        info.Environment.Remove("PGOPTIONS");
        info.Environment.Remove("LC_ALL");
        info.Environment["LC_MESSAGES"] = "C";

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {executable}.");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();

        if (!process.WaitForExit(timeout))
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It exited meanwhile.
            }

            throw new TimeoutException($"{Path.GetFileName(executable)} did not finish within {timeout.TotalSeconds:0} s.");
        }

        // A grandchild that kept the pipes open must not block us: give the readers a moment, then move on.
        Task.WaitAll([output, error], TimeSpan.FromSeconds(5));
        return new ProcessResult(
            process.ExitCode,
            output.IsCompletedSuccessfully ? output.Result : "",
            error.IsCompletedSuccessfully ? error.Result : "");
    }
}
