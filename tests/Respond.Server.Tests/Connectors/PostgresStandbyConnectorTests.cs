using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Npgsql;
using Respond.Server.Connectors;
using Respond.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Respond.Server.Tests.Connectors;

/// <summary>
/// Failover drills against the shared test cluster as the primary: a real pg_basebackup, a real streaming standby on a
/// loopback port, a real promotion. Each test's scratch path is a test cluster folder, whose watchdog stops and deletes
/// whatever a crashed test host left in it; the tests themselves prove the connector left nothing.
/// </summary>
[Collection(nameof(PostgresStandbyConnectorTests))]
public sealed partial class PostgresStandbyConnectorTests(ITestOutputHelper log) : IDisposable
{
    private const string Name = "drill";

    // A whole drill takes a few seconds here; the attempt's bound is twice this.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(45);

    private readonly TestClusterFolder scratch = TestClusterFolder.Create();

    [Fact]
    public async Task A_drill_promotes_a_caught_up_copy_and_reports_rto_rpo_and_the_canary_without_touching_the_primary()
    {
        var primary = await TestPostgres.CreateDatabaseAsync("standby_drill");
        using var harness = Harness(primary);

        var output = (await harness.InvokeAsync(Name, "test-failover", new { }, Timeout))!;
        log.WriteLine(output.ToJsonString());
        log.WriteLine(string.Join("\n", harness.Logs.Lines));

        Assert.True(output["passed"]!.GetValue<bool>(), output.ToJsonString());
        Assert.InRange(output["rtoSeconds"]!.GetValue<double>(), 0.0001, 60);
        Assert.Equal(60, output["rtoTargetSeconds"]!.GetValue<double>());
        Assert.True(output["rpoSeconds"]!.GetValue<double>() >= 0, output.ToJsonString());
        Assert.True(output["rpoBytes"]!.GetValue<long>() >= 0, output.ToJsonString());
        Assert.True(output["standbyReadySeconds"]!.GetValue<double>() > 0, output.ToJsonString());
        var canary = output["canary"]!;
        Assert.True(canary["found"]!.GetValue<bool>());
        Assert.Matches(LsnPattern(), canary["lsn"]!.GetValue<string>());
        var id = Guid.Parse(canary["id"]!.GetValue<string>());
        // The primary is still the primary, and the drill took its canary back.
        Assert.False(await ScalarAsync<bool>(primary, "SELECT pg_is_in_recovery()"));
        Assert.Equal(0L, await ScalarAsync<long>(primary, $"SELECT count(*) FROM respond_drill_canary WHERE id = '{id}'"));
        AssertNothingLeftBehind();
        harness.AssertNowhere([PasswordOf(primary)], output.ToJsonString());
    }

    [Fact]
    public async Task An_rto_over_its_target_fails_with_the_measured_rto_and_the_target_in_words_and_in_the_output()
    {
        var primary = await TestPostgres.CreateDatabaseAsync("standby_rto");
        using var harness = Harness(primary);
        // What a Respond that died mid-drill left (its pid is gone), and the folder of a drill this process is running.
        var abandoned = CopyFolder("respond-standby-abandoned", "2147483646 0");
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        var running = CopyFolder("respond-standby-running", $"{self.Id} {self.StartTime.ToUniversalTime().Ticks}");

        var failure = await Assert.ThrowsAsync<ConnectorException>(() =>
            harness.InvokeAsync(Name, "test-failover", new { rtoTarget = "PT0.001S" }, Timeout));

        Assert.False(Directory.Exists(abandoned), "The abandoned drill folder is still there.");
        Assert.True(Directory.Exists(running), "The folder of a drill whose Respond process runs was removed.");
        Directory.Delete(running, recursive: true);
        log.WriteLine(failure.Message);

        Assert.False(failure.Retryable);
        var said = RtoInWords().Match(failure.Message);
        Assert.True(said.Success, failure.Message);
        var output = failure.Output!;
        Assert.Equal(double.Parse(said.Groups[1].Value, CultureInfo.InvariantCulture), output["rtoSeconds"]!.GetValue<double>(), 3);
        Assert.True(output["rtoSeconds"]!.GetValue<double>() > 0.001, output.ToJsonString());
        Assert.Equal(0.001, output["rtoTargetSeconds"]!.GetValue<double>());
        Assert.False(output["passed"]!.GetValue<bool>());
        Assert.True(output["canary"]!["found"]!.GetValue<bool>());
        AssertNothingLeftBehind();
        harness.AssertNowhere([PasswordOf(primary)], failure.Message, output.ToJsonString());
    }

    [Fact]
    public async Task An_unreachable_primary_fails_at_once_with_a_reason_in_words_and_leaves_nothing_behind()
    {
        var port = ConnectorHarness.ClosedPort();
        var primary = new NpgsqlConnectionStringBuilder(await TestPostgres.CreateDatabaseAsync("standby_closed")) { Port = port };
        using var harness = Harness(primary.ConnectionString);

        var failure = await Assert.ThrowsAsync<ConnectorException>(() => harness.InvokeAsync(Name, "test-failover", new { }, Timeout));
        log.WriteLine(failure.Message);

        Assert.True(failure.Retryable);
        Assert.Contains($"writing the canary on the primary 127.0.0.1:{port}", failure.Message, StringComparison.Ordinal);
        Assert.Contains("could not reach the server", failure.Message, StringComparison.Ordinal);
        Assert.Null(failure.Output!["canary"]);
        Assert.False(failure.Output!["passed"]!.GetValue<bool>());
        Assert.Empty(Directory.EnumerateDirectories(scratch.Path));
        AssertNothingLeftBehind();
        harness.AssertNowhere([primary.Password!], failure.Message, failure.Output.ToJsonString());
    }

    [Fact]
    public async Task A_scratch_folder_the_copys_user_cannot_enter_is_named_before_anything_is_copied()
    {
        if (Environment.UserName != "root")
        {
            return; // Only as root does the copy run as another user (postgres), who may be kept out.
        }

        var closed = Directory.CreateTempSubdirectory("respond-closed-scratch-"); // 0700, root's own
        try
        {
            var primary = await TestPostgres.CreateDatabaseAsync("standby_closed_scratch");
            using var harness = new ConnectorHarness(new Dictionary<string, string?>
            {
                [$"Respond:Connectors:{Name}:Kind"] = "postgres-standby",
                [$"Respond:Connectors:{Name}:ConnectionString"] = primary,
                [$"Respond:Connectors:{Name}:ScratchPath"] = closed.FullName,
            });

            var failure = await Assert.ThrowsAsync<ConnectorException>(() => harness.InvokeAsync(Name, "test-failover", new { }, Timeout));

            Assert.False(failure.Retryable);
            Assert.Contains($"cannot enter ScratchPath {closed.FullName}", failure.Message, StringComparison.Ordinal);
            Assert.Empty(Directory.EnumerateFileSystemEntries(closed.FullName));
        }
        finally
        {
            closed.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_refused_password_is_reported_in_words_without_the_password()
    {
        var primary = new NpgsqlConnectionStringBuilder(await TestPostgres.CreateDatabaseAsync("standby_refused"))
        {
            Password = "not-the-password-" + Guid.NewGuid().ToString("N"),
        };
        using var harness = Harness(primary.ConnectionString);

        var failure = await Assert.ThrowsAsync<ConnectorException>(() => harness.InvokeAsync(Name, "test-failover", new { }, Timeout));
        log.WriteLine(failure.Message);

        Assert.False(failure.Retryable);
        Assert.Contains("refused the configured credentials", failure.Message, StringComparison.Ordinal);
        AssertNothingLeftBehind();
        harness.AssertNowhere([primary.Password], failure.Message, failure.Output?.ToJsonString());
    }

    [Fact]
    public async Task Settings_and_input_it_cannot_use_are_refused_in_words_before_anything_is_written_or_started()
    {
        const string connectionString = "Host=127.0.0.1;Port=5432;Username=drill;Password=s3cret-drill-password";
        using var harness = Harness(connectionString);

        var duration = await Assert.ThrowsAsync<ConnectorException>(() =>
            harness.InvokeAsync(Name, "test-failover", new { rtoTarget = "30 seconds" }, Timeout));
        using var noBinaries = Harness(connectionString, binPath: scratch.Path);
        var binaries = await Assert.ThrowsAsync<ConnectorException>(() => noBinaries.InvokeAsync(Name, "test-failover", new { }, Timeout));

        Assert.False(duration.Retryable);
        Assert.Contains("input.rtoTarget must be a positive ISO-8601 duration", duration.Message, StringComparison.Ordinal);
        Assert.False(binaries.Retryable);
        Assert.Contains($"{scratch.Path} has no pg_basebackup; set BinPath", binaries.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateDirectories(scratch.Path));
        harness.AssertNowhere(["s3cret-drill-password"], duration.Message, binaries.Message);
        noBinaries.AssertNowhere(["s3cret-drill-password"]);
    }

    [Theory]
    [InlineData("pg_basebackup")]
    [InlineData("postgres -D")]
    public async Task A_drill_cancelled_midway_stops_what_it_started_deletes_its_folder_and_takes_its_canary_back(string cancelOnceRunning)
    {
        var primary = await TestPostgres.CreateDatabaseAsync("standby_cancel");
        await ScalarAsync<object>(primary, "CREATE TABLE respond_drill_canary (id uuid PRIMARY KEY, written_at timestamptz NOT NULL)");
        using var harness = Harness(primary);
        using var cancel = new CancellationTokenSource();

        var drill = harness.Connectors.InvokeAsync(Name, "test-failover", [], ConnectorHarness.Key, Timeout, cancel.Token);
        var running = await Poll.UntilAsync(() => Task.FromResult(CopyProcesses()), found => found.Any(p => p.Contains(cancelOnceRunning)),
            TimeSpan.FromSeconds(30), $"the drill to run {cancelOnceRunning}");
        cancel.Cancel();
        // The password reaches the programs through their environment, never their command lines (which anyone may read).
        Assert.All(running, commandLine => Assert.DoesNotContain(PasswordOf(primary), commandLine, StringComparison.Ordinal));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => drill);
        AssertNothingLeftBehind();
        Assert.Equal(0L, await ScalarAsync<long>(primary, "SELECT count(*) FROM respond_drill_canary"));
        harness.AssertNowhere([PasswordOf(primary)]);
    }

    public void Dispose() => scratch.Dispose();

    private ConnectorHarness Harness(string connectionString, string? binPath = null) => new(new Dictionary<string, string?>
    {
        [$"Respond:Connectors:{Name}:Kind"] = "postgres-standby",
        [$"Respond:Connectors:{Name}:ConnectionString"] = connectionString,
        [$"Respond:Connectors:{Name}:ScratchPath"] = scratch.Path,
        [$"Respond:Connectors:{Name}:ReadyTimeout"] = "PT40S",
        [$"Respond:Connectors:{Name}:BinPath"] = binPath,
    });

    /// <summary>No copy's folder under the scratch path, and no process of a copy.</summary>
    private void AssertNothingLeftBehind()
    {
        Assert.Empty(Directory.EnumerateDirectories(scratch.Path, "respond-standby-*"));
        var survivors = CopyProcesses();
        Assert.True(survivors.Count == 0, "Processes left behind:\n" + string.Join("\n", survivors));
    }

    /// <summary>
    /// The command lines of the processes a drill started: pg_basebackup and the postmaster name the copy's folder, the
    /// postmaster's children name the copy in their titles (its cluster_name is the folder's name).
    /// </summary>
    private List<string> CopyProcesses()
    {
        var found = new List<string>();
        foreach (var process in Directory.EnumerateDirectories("/proc").Where(p => int.TryParse(Path.GetFileName(p), out _)))
        {
            string commandLine;
            try
            {
                commandLine = File.ReadAllText(Path.Combine(process, "cmdline")).Replace('\0', ' ');
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue; // Gone meanwhile.
            }

            if (commandLine.Contains(Path.Combine(scratch.Path, "respond-standby-"), StringComparison.Ordinal)
                || commandLine.Contains("postgres: respond-standby-", StringComparison.Ordinal))
            {
                found.Add($"{Path.GetFileName(process)}: {commandLine}");
            }
        }

        return found;
    }

    private string CopyFolder(string name, string owner)
    {
        var folder = Path.Combine(scratch.Path, name);
        Directory.CreateDirectory(Path.Combine(folder, "data"));
        File.WriteAllText(Path.Combine(folder, "owner"), owner);
        return folder;
    }

    private static string PasswordOf(string connectionString) => new NpgsqlConnectionStringBuilder(connectionString).Password!;

    private static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    [GeneratedRegex("^[0-9A-F]+/[0-9A-F]+$")]
    private static partial Regex LsnPattern();

    [GeneratedRegex(@"RTO (\d+(?:\.\d+)?) s missed its target of 0\.001 s")]
    private static partial Regex RtoInWords();
}
