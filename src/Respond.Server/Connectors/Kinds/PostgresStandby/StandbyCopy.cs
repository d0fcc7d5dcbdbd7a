using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Npgsql;
using Respond.Server.Storage.Embedded;

namespace Respond.Server.Connectors.Kinds.PostgresStandby;

/// <summary>
/// The drill's copy of the primary: a scratch folder holding a <c>pg_basebackup</c>, run as a streaming standby on a free
/// loopback port. Disposing it stops the copy (fast shutdown, then killed) and deletes the folder, whatever happened
/// before and even when the drill was cancelled; a folder left by a Respond that died mid-drill goes at the next drill.
/// </summary>
internal sealed partial class StandbyCopy : IAsyncDisposable
{
    public const string FolderPrefix = "respond-standby-";

    private static readonly TimeSpan FastShutdown = TimeSpan.FromSeconds(5);

    private readonly StandbySettings settings;
    private readonly ILogger logger;
    private DrillProcess? postmaster;

    private StandbyCopy(StandbySettings settings, string folder, ILogger logger)
    {
        this.settings = settings;
        this.logger = logger;
        Folder = folder;
    }

    public string Folder { get; }

    public string DataFolder => Path.Combine(Folder, "data");

    /// <summary>The copy's name in its processes' titles (cluster_name) and its folder's name.</summary>
    public string Name => Path.GetFileName(Folder);

    public int Port { get; private set; }

    /// <summary>The copy's postmaster, from its postmaster.pid once it accepts connections.</summary>
    public int? PostmasterPid { get; private set; }

    /// <summary>A fresh folder under the scratch root, owned by the user the copy runs as, with the copy's own configuration.</summary>
    public static StandbyCopy Create(StandbySettings settings, ILogger logger)
    {
        ReapAbandoned(settings.ScratchRoot, logger);
        if (settings.RunUser is { } runAs && !RunUserMayUse(runAs, settings.ScratchRoot))
        {
            // Found before anything is copied: pg_basebackup's own "Permission denied" names the copy's folder, not the cause.
            throw new DrillException($"the {runAs} user the copy runs as cannot enter ScratchPath {settings.ScratchRoot} (a folder only " +
                "root may enter on the way there?); point ScratchPath at a folder it may use, such as /var/tmp", retryable: false);
        }

        var folder = Path.Combine(settings.ScratchRoot, FolderPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)));
        var copy = new StandbyCopy(settings, folder, logger);
        try
        {
            Directory.CreateDirectory(folder);
            if (!OperatingSystem.IsWindows())
            {
                // A copy of the primary's data: for the user it runs as only.
                File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            File.WriteAllText(Path.Combine(folder, OwnerFile), Owner.Current().ToString());
            // The primary's own configuration is not used: its archive_command, synchronous standbys, preloaded libraries or
            // certificate paths would reach out from the copy, wait for standbys it has not got, or fail to start it here.
            File.WriteAllText(ConfigFile(folder), Configuration(fsync: false));
            File.WriteAllText(Path.Combine(folder, "pg_hba.conf"), "host all all 127.0.0.1/32 md5\n");
            File.WriteAllText(Path.Combine(folder, "pg_ident.conf"), "");
            if (settings.RunUser is { } user)
            {
                ChildProcess.Run("chown", ["-R", user, folder], TimeSpan.FromSeconds(30)).ThrowIfFailed("chown");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or EmbeddedPostgresException or TimeoutException)
        {
            copy.DeleteFolder();
            throw new DrillException($"could not prepare the scratch folder under {settings.ScratchRoot}: {e.Message}", retryable: false);
        }

        return copy;
    }

    private static bool RunUserMayUse(string runAs, string folder)
    {
        Directory.CreateDirectory(folder);
        var check = ChildProcess.Run(EmbeddedPostgres.RunUserTool(), ["-u", runAs, "--", "test", "-x", folder],
            TimeSpan.FromSeconds(10));
        return check.ExitCode == 0;
    }

    /// <summary><c>pg_basebackup -X stream -R</c> of the primary into the scratch folder.</summary>
    public async Task BaseBackupAsync(CancellationToken cancellationToken)
    {
        var primary = settings.Primary;
        List<string> arguments =
        [
            "-D", DataFolder, "-X", "stream", "-R", "--checkpoint=fast", "--no-sync", "--no-manifest", "--no-password",
            "--label=respond failover drill", "-h", primary.Host!, "-p", primary.Port.ToString(CultureInfo.InvariantCulture),
        ];
        if (primary.Username is { Length: > 0 } user)
        {
            arguments.AddRange(["-U", user]);
        }

        using var backup = DrillProcess.Start(Tool("pg_basebackup"), arguments, settings.RunUser, settings.LibpqEnvironment());
        var exitCode = await backup.WaitForExitAsync(cancellationToken);
        if (exitCode != 0)
        {
            var output = settings.Redact(backup.Output);
            // Refused credentials, a missing REPLICATION right or another major version will not change by retrying.
            var transient = !output.Contains("FATAL", StringComparison.Ordinal) && !output.Contains("incompatible", StringComparison.Ordinal)
                && (output.Contains("could not connect", StringComparison.OrdinalIgnoreCase)
                    || output.Contains("timeout", StringComparison.OrdinalIgnoreCase)
                    || output.Contains("terminated", StringComparison.OrdinalIgnoreCase));
            throw new DrillException(
                $"pg_basebackup could not copy the primary {settings.Where} (exit code {exitCode}): {output}", transient);
        }
    }

    /// <summary>Starts the copy as a hot standby and returns a connection to it once it accepts one.</summary>
    public async Task<NpgsqlConnection> StartAsync(IReadOnlyDictionary<string, string> primaryLimits, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            Port = EmbeddedPostgres.FreePort();
            postmaster = DrillProcess.Start(Tool("postgres"), Arguments(primaryLimits), settings.RunUser, new Dictionary<string, string>());
            logger.LogInformation("Failover drill copy {Copy} of {Primary} is starting on 127.0.0.1:{Port} (pid {Pid})",
                Name, settings.Where, Port, postmaster.Id);
            while (true)
            {
                if (postmaster.HasExited)
                {
                    var output = settings.Redact(await postmaster.FinalOutputAsync());
                    // Another process took the free port between our check and the copy's bind: try another one.
                    if (attempt < 3 && output.Contains("could not bind", StringComparison.OrdinalIgnoreCase))
                    {
                        postmaster.Dispose();
                        postmaster = null;
                        break;
                    }

                    throw new DrillException($"the copy stopped while starting (exit code {postmaster.ExitCode}): {output}", retryable: false);
                }

                if (await TryConnectAsync(cancellationToken) is { } connection)
                {
                    PostmasterPid = ReadPostmasterPid(DataFolder);
                    logger.LogInformation("Failover drill copy {Copy} accepts connections (postmaster pid {Pid})", Name, PostmasterPid);
                    return connection;
                }

                await Task.Delay(100, cancellationToken);
            }
        }
    }

    /// <summary>
    /// Turns fsync back on before promotion, so the measured RTO includes the flushes a real promotion makes. The copy
    /// starts without it: with fsync on, PostgreSQL first flushes the whole copied folder, seconds that measure nothing.
    /// </summary>
    public async Task EnableFsyncAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await File.WriteAllTextAsync(ConfigFile(Folder), Configuration(fsync: true), cancellationToken);
        await using var reload = new NpgsqlCommand("SELECT pg_reload_conf()", connection);
        await reload.ExecuteScalarAsync(cancellationToken);
        await using var show = new NpgsqlCommand("SHOW fsync", connection);
        var clock = Stopwatch.StartNew();
        while (await show.ExecuteScalarAsync(cancellationToken) is not "on")
        {
            await EnsureRunningAsync();
            if (clock.Elapsed > FastShutdown)
            {
                // The primary's ALTER SYSTEM (copied in postgresql.auto.conf) may hold fsync off: the drill measures without it.
                logger.LogWarning("Failover drill copy {Copy} keeps fsync off (set by the primary's postgresql.auto.conf)", Name);
                return;
            }

            await Task.Delay(10, cancellationToken);
        }
    }

    /// <summary>Fails the drill in words when the copy's server has stopped (its last lines of output say why).</summary>
    public async Task EnsureRunningAsync()
    {
        if (postmaster is { HasExited: true } stopped)
        {
            var output = settings.Redact(await stopped.FinalOutputAsync());
            throw new DrillException($"the copy stopped (exit code {stopped.ExitCode}): {output}", retryable: false);
        }
    }

    /// <summary>A connection to the copy, as the primary's user (the copy has the primary's roles and passwords).</summary>
    public NpgsqlConnection Connect() => new(new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = settings.Primary.Username,
        Password = settings.Primary.Password,
        Passfile = settings.Primary.Passfile,
        Database = settings.Primary.Database,
        Pooling = false,
        Timeout = 5,
        SslMode = SslMode.Disable,
        ApplicationName = "respond-drill",
    }.ConnectionString);

    /// <summary>Stops the copy and deletes its folder; never throws and never waits on a cancelled token.</summary>
    public ValueTask DisposeAsync() => new(Task.Run(StopAndDelete));

    private async Task<NpgsqlConnection?> TryConnectAsync(CancellationToken cancellationToken)
    {
        var connection = Connect();
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch (NpgsqlException e) when (e is not PostgresException || ((PostgresException)e).SqlState == PostgresErrorCodes.CannotConnectNow)
        {
            // Not listening yet, or still replaying up to a consistent state.
            await connection.DisposeAsync();
            return null;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private List<string> Arguments(IReadOnlyDictionary<string, string> primaryLimits)
    {
        var arguments = new List<string> { "-D", DataFolder };
        var settingsOf = new Dictionary<string, string>(primaryLimits, StringComparer.Ordinal)
        {
            ["config_file"] = ConfigFile(Folder),
            ["hba_file"] = Path.Combine(Folder, "pg_hba.conf"),
            ["ident_file"] = Path.Combine(Folder, "pg_ident.conf"),
            ["port"] = Port.ToString(CultureInfo.InvariantCulture),
            ["listen_addresses"] = "127.0.0.1",
            ["unix_socket_directories"] = "",
            ["cluster_name"] = Name,
            ["hot_standby"] = "on",
            // Settings the primary's ALTER SYSTEM (postgresql.auto.conf, copied) could carry that would reach out or wait.
            ["archive_mode"] = "off",
            ["restore_command"] = "",
            ["primary_slot_name"] = "",
            ["synchronous_standby_names"] = "",
            ["shared_preload_libraries"] = "",
            ["ssl"] = "off",
            ["logging_collector"] = "off",
            ["log_destination"] = "stderr",
            // A production primary's shared_buffers would be taken from Respond's machine.
            ["shared_buffers"] = "128MB",
            ["huge_pages"] = "off",
        };
        foreach (var (name, value) in settingsOf)
        {
            arguments.AddRange(["-c", $"{name}={value}"]);
        }

        return arguments;
    }

    private static string ConfigFile(string folder) => Path.Combine(folder, "postgresql.conf");

    // Everything else is on the command line; this file holds only what changes while the copy runs.
    private static string Configuration(bool fsync) =>
        $"# Respond failover drill copy\nfsync = {(fsync ? "on" : "off")}\n";

    private string Tool(string name) => PostgresBinaries.Executable(settings.BinFolder, name);
}
