using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Runtime.Versioning;
using Microsoft.Extensions.Logging;
using Npgsql;
using Respond.Server.Storage.Embedded;
using Respond.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Respond.Server.Tests.Storage;

// Runs the machine's real PostgreSQL binaries: every test provisions its own cluster in a temp folder and
// stops and deletes it however the test ends. Linux only: they read /proc and file modes.
[SupportedOSPlatform("linux")]
public sealed class EmbeddedPostgresTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private readonly ListLogger _log = new(output);

    [Fact]
    public async Task Start_in_an_empty_folder_provisions_a_cluster_reachable_on_loopback_only()
    {
        using var folder = TestClusterFolder.Create();
        // A private parent folder (like /root): as root, the postgres user could not reach the cluster through it.
        var parent = Path.Combine(folder.Path, "private");
        Directory.CreateDirectory(parent);
        File.SetUnixFileMode(parent, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var dataRoot = Path.Combine(parent, "postgres");

        var pg = EmbeddedPostgres.Start(new EmbeddedPostgresOptions(dataRoot), _log);
        try
        {
            Assert.True(File.Exists(Path.Combine(dataRoot, "data", "PG_VERSION")));
            Assert.Equal(pg.Port.ToString(CultureInfo.InvariantCulture), (await File.ReadAllTextAsync(Path.Combine(dataRoot, "port"))).Trim());
            if (Environment.UserName == "root")
            {
                Assert.True(File.GetUnixFileMode(parent).HasFlag(UnixFileMode.OtherExecute));
                Assert.Contains(_log.Lines, line => line.StartsWith($"Made {parent} traversable (o+x)", StringComparison.Ordinal));
                Assert.Equal("postgres", Stat("%U", Path.Combine(dataRoot, "data")));
            }

            Assert.StartsWith($"Host=127.0.0.1;Port={pg.Port};Username=respond;Password=", pg.ConnectionString, StringComparison.Ordinal);
            Assert.Contains(_log.Lines, line => line.StartsWith("Provisioning a private PostgreSQL cluster under", StringComparison.Ordinal));
            Assert.Contains(_log.Lines, line => line.StartsWith($"Started private PostgreSQL on 127.0.0.1:{pg.Port}", StringComparison.Ordinal));

            await using (var connection = await OpenAsync(pg.ConnectionString))
            {
                Assert.Equal(1, await ScalarAsync<int>(connection, "SELECT 1"));
                Assert.Equal("respond", await ScalarAsync<string>(connection, "SELECT current_database()"));
                Assert.Equal("127.0.0.1", await ScalarAsync<string>(connection, "SHOW listen_addresses"));
                Assert.Equal("", await ScalarAsync<string>(connection, "SHOW unix_socket_directories"));
                Assert.Equal("on", await ScalarAsync<string>(connection, "SHOW fsync"));
                Assert.Equal("on", await ScalarAsync<string>(connection, "SHOW synchronous_commit"));
                Assert.Equal("300", await ScalarAsync<string>(connection, "SHOW max_connections"));
            }

            // Only loopback answers: the port is closed on every other address of this machine.
            foreach (var address in NonLoopbackAddresses())
            {
                using var client = new TcpClient(address.AddressFamily);
                await Assert.ThrowsAnyAsync<SocketException>(() => client.ConnectAsync(address, pg.Port));
            }

            // scram-sha-256, not trust: a wrong password is refused.
            var wrong = new NpgsqlConnectionStringBuilder(pg.ConnectionString) { Password = "not-the-password", Pooling = false }.ConnectionString;
            var refused = await Assert.ThrowsAsync<PostgresException>(() => OpenAsync(wrong));
            Assert.Equal(PostgresErrorCodes.InvalidPassword, refused.SqlState);

            pg.CreateDatabase("second_db");
            pg.CreateDatabase("second_db"); // no-op when it exists
            await using (var second = await OpenAsync(pg.ConnectionStringFor("second_db")))
            {
                Assert.Equal("second_db", await ScalarAsync<string>(second, "SELECT current_database()"));
            }

            Assert.Throws<ArgumentException>(() => pg.CreateDatabase("Bad-Name"));
        }
        finally
        {
            pg.Stop();
        }
    }

    [Fact]
    public async Task Concurrent_and_repeated_starts_share_one_running_cluster()
    {
        using var folder = TestClusterFolder.Create();
        var options = new EmbeddedPostgresOptions(folder.DataRoot);
        var started = new ConcurrentBag<EmbeddedPostgres>();
        try
        {
            // Two at once on an empty folder: the lock lets only one of them run initdb.
            await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() => started.Add(EmbeddedPostgres.Start(options, _log)))));
            var first = started.First();
            var pid = TestClusterFolder.PostmasterPid(folder.DataRoot);
            Assert.NotNull(pid);
            Assert.Single(_log.Lines, line => line.StartsWith("Provisioning", StringComparison.Ordinal));

            await using var held = await OpenAsync(first.ConnectionString);
            var again = EmbeddedPostgres.Start(options, _log);
            started.Add(again);

            Assert.Single(started.Select(p => p.Port).Distinct());
            Assert.Equal(pid, TestClusterFolder.PostmasterPid(folder.DataRoot));
            Assert.Single(PostmastersOf(Path.Combine(folder.DataRoot, "data")));
            Assert.Contains(_log.Lines,
                line => line.StartsWith($"Reusing the private PostgreSQL already running on 127.0.0.1:{first.Port}", StringComparison.Ordinal));
            Assert.Equal(1, await ScalarAsync<int>(held, "SELECT 1")); // the first user's connection survived
        }
        finally
        {
            foreach (var pg in started)
            {
                pg.Stop();
            }
        }

        Assert.Null(TestClusterFolder.PostmasterPid(folder.DataRoot));
    }

    [Fact]
    public async Task Stop_then_start_keeps_the_data_and_moves_off_a_port_taken_meanwhile()
    {
        using var folder = TestClusterFolder.Create();
        var options = new EmbeddedPostgresOptions(folder.DataRoot);
        var pg = EmbeddedPostgres.Start(options, _log);
        try
        {
            await ExecuteAsync(pg.ConnectionString, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('before stop')");
            var pid = TestClusterFolder.PostmasterPid(folder.DataRoot);
            var firstPort = pg.Port;

            pg.Stop();
            pg.Stop(); // idempotent
            Assert.NotNull(pid);
            Assert.False(TestClusterFolder.IsAlive(pid.Value));
            Assert.Contains(_log.Lines, line => line.StartsWith($"Stopped private PostgreSQL on 127.0.0.1:{firstPort}", StringComparison.Ordinal));

            pg = EmbeddedPostgres.Start(options, _log);
            Assert.Equal(firstPort, pg.Port); // remembered
            Assert.Equal("before stop", await ScalarAsync<string>(pg.ConnectionString, "SELECT v FROM kept"));
            pg.Stop();

            // Something else takes the remembered port while the cluster is down: the next start picks another one and remembers it.
            using var squatter = new TcpListener(IPAddress.Loopback, firstPort);
            squatter.Start();
            pg = EmbeddedPostgres.Start(options, _log);
            Assert.NotEqual(firstPort, pg.Port);
            Assert.Equal(pg.Port.ToString(CultureInfo.InvariantCulture), (await File.ReadAllTextAsync(Path.Combine(folder.DataRoot, "port"))).Trim());
            Assert.Equal("before stop", await ScalarAsync<string>(pg.ConnectionString, "SELECT v FROM kept"));
        }
        finally
        {
            pg.Stop();
        }
    }

    [Fact]
    public async Task Start_after_a_crash_recovers_the_cluster_and_its_committed_data()
    {
        using var folder = TestClusterFolder.Create();
        var options = new EmbeddedPostgresOptions(folder.DataRoot);
        var pg = EmbeddedPostgres.Start(options, _log);
        try
        {
            await ExecuteAsync(pg.ConnectionString, "CREATE TABLE durable (v text); INSERT INTO durable VALUES ('committed')");
            var pid = TestClusterFolder.PostmasterPid(folder.DataRoot) ?? throw new InvalidOperationException("no postmaster");

            using (var postmaster = Process.GetProcessById(pid))
            {
                postmaster.Kill(); // SIGKILL: no shutdown checkpoint, postmaster.pid left behind
            }

            await WaitUntil(() => !TestClusterFolder.IsAlive(pid), "the killed postmaster to exit");
            Assert.True(File.Exists(Path.Combine(folder.DataRoot, "data", "postmaster.pid")));

            pg = EmbeddedPostgres.Start(options, _log);
            Assert.NotEqual(pid, TestClusterFolder.PostmasterPid(folder.DataRoot));
            Assert.Equal("committed", await ScalarAsync<string>(pg.ConnectionString, "SELECT v FROM durable"));
        }
        finally
        {
            pg.Stop();
        }
    }

    [Fact]
    public async Task The_password_stays_in_its_owner_only_file()
    {
        using var folder = TestClusterFolder.Create();
        var pg = EmbeddedPostgres.Start(new EmbeddedPostgresOptions(folder.DataRoot), _log);
        try
        {
            var passwordFile = Path.Combine(folder.DataRoot, "password");
            var password = (await File.ReadAllTextAsync(passwordFile)).Trim();
            Assert.True(password.Length >= 32);
            Assert.Equal(password, new NpgsqlConnectionStringBuilder(pg.ConnectionString).Password);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(passwordFile));
            if (Environment.UserName == "root")
            {
                Assert.Equal("postgres", Stat("%U", passwordFile)); // the cluster runs as postgres
            }

            // Make the server log something about authentication, then look for the password everywhere we wrote.
            var wrong = new NpgsqlConnectionStringBuilder(pg.ConnectionString) { Password = "wrong", Pooling = false }.ConnectionString;
            await Assert.ThrowsAsync<PostgresException>(() => OpenAsync(wrong));
            pg.Stop();

            var serverLog = await File.ReadAllTextAsync(Path.Combine(folder.DataRoot, "postgres.log"));
            Assert.Contains("password authentication failed", serverLog, StringComparison.Ordinal);
            Assert.DoesNotContain(password, serverLog, StringComparison.Ordinal);
            Assert.DoesNotContain(_log.Lines, line => line.Contains(password, StringComparison.Ordinal));
            foreach (var file in Directory.EnumerateFiles(Path.Combine(folder.DataRoot, "data"), "*.conf"))
            {
                Assert.DoesNotContain(password, await File.ReadAllTextAsync(file), StringComparison.Ordinal);
            }

            // A cluster that cannot start says why, in PostgreSQL's words from postgres.log, still without the password.
            await File.AppendAllTextAsync(Path.Combine(folder.DataRoot, "data", "postgresql.conf"), "shared_buffers = 'plenty'\n");
            var failure = Assert.Throws<EmbeddedPostgresException>(() => EmbeddedPostgres.Start(new EmbeddedPostgresOptions(folder.DataRoot), _log));
            output.WriteLine(failure.Message);
            Assert.Contains("shared_buffers", failure.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(password, failure.Message, StringComparison.Ordinal);
            Assert.Null(TestClusterFolder.PostmasterPid(folder.DataRoot));
        }
        finally
        {
            pg.Stop();
        }
    }

    [Fact]
    public async Task TestPostgres_hands_out_a_fresh_empty_database_per_call()
    {
        var first = await TestPostgres.CreateDatabaseAsync("Embedded-Postgres Tests");
        var second = await TestPostgres.CreateDatabaseAsync("Embedded-Postgres Tests");
        output.WriteLine($"Test databases from: {TestPostgres.Describe}");
        Assert.NotEqual("not started", TestPostgres.Describe);

        var firstName = new NpgsqlConnectionStringBuilder(first).Database;
        Assert.Matches("^embedded_postgres_tests_[0-9a-f]{12}$", firstName);
        Assert.NotEqual(firstName, new NpgsqlConnectionStringBuilder(second).Database);

        await ExecuteAsync(first, "CREATE TABLE only_here (v int)");
        Assert.Equal(firstName, await ScalarAsync<string>(first, "SELECT current_database()"));
        Assert.Equal(0L, await ScalarAsync<long>(second, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"));
    }

    private static async Task<NpgsqlConnection> OpenAsync(string connectionString)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        try
        {
            await connection.OpenAsync();
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = await OpenAsync(connectionString);
        return await ScalarAsync<T>(connection, sql);
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = await OpenAsync(connectionString);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task WaitUntil(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < Deadline, $"Timed out waiting for {what}.");
            await Task.Delay(50);
        }
    }

    private static IEnumerable<IPAddress> NonLoopbackAddresses() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(nic => nic.OperationalStatus == OperationalStatus.Up && nic.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(nic => nic.GetIPProperties().UnicastAddresses)
            .Select(unicast => unicast.Address)
            .Where(address => address.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(address));

    // Processes whose command line names the data folder: the postmaster ("postgres -D <data> -p N"); its children rename themselves.
    private static List<int> PostmastersOf(string dataDirectory)
    {
        var found = new List<int>();
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                var arguments = File.ReadAllText(Path.Combine(entry, "cmdline")).Split('\0');
                if (arguments.Length > 0 && Path.GetFileName(arguments[0]) == "postgres" && arguments.Contains(dataDirectory))
                {
                    found.Add(pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process ended while we looked.
            }
        }

        return found;
    }

    private static string Stat(string format, string path)
    {
        using var stat = Process.Start(new ProcessStartInfo("stat", ["-c", format, path])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false
        })!;
        var text = stat.StandardOutput.ReadToEnd().Trim();
        stat.WaitForExit();
        return text;
    }

    private sealed class ListLogger(ITestOutputHelper output) : ILogger
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();

        public ConcurrentQueue<string> Lines { get; } = new();

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = formatter(state, exception) + (exception is null ? "" : " " + exception);
            Lines.Enqueue(line);
            try
            {
                output.WriteLine($"{_clock.Elapsed.TotalSeconds,6:0.00}s [{logLevel}] {line}");
            }
            catch (InvalidOperationException)
            {
                // The test already finished.
            }
        }
    }
}
