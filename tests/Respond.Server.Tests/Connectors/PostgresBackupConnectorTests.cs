using System.Globalization;
using System.Text.Json.Nodes;
using Respond.Server.Connectors;
using Respond.Server.Tests.Infrastructure;

namespace Respond.Server.Tests.Connectors;

/// <summary>
/// <c>postgres-backup</c> against a real PostgreSQL and real <c>pg_dump -Fc</c> files. Each test runs at its own
/// made-up instant, so the scratch databases it could leave behind (<c>respond_verify_&lt;that instant&gt;_…</c>) are
/// its own to look for, whatever else runs on the server.
/// </summary>
public sealed class PostgresBackupConnectorTests(PostgresBackupSource source) : IClassFixture<PostgresBackupSource>, IDisposable
{
    private readonly ManualClock clock = new(new DateTimeOffset(2031, 1, 1, 0, 0, 0, TimeSpan.Zero)
        .AddSeconds(Random.Shared.Next(0, 365 * 86400)));

    private readonly List<ConnectorHarness> harnesses = [];

    private string Stamp => clock.GetUtcNow().UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_fresh_dump_restores_and_passes_its_checks_and_the_scratch_database_is_gone()
    {
        var folder = source.BackupFolder(source.SmallDump, "nightly.dump", clock.GetUtcNow().AddMinutes(-5));
        // An older file that is not a backup at all: only the newest counts.
        File.WriteAllText(Path.Combine(folder, "older.dump"), "not a dump");
        File.SetLastWriteTimeUtc(Path.Combine(folder, "older.dump"), clock.GetUtcNow().AddDays(-2).UtcDateTime);
        var harness = Harness(folder);

        var output = await harness.InvokeAsync("backup", "verify", new
        {
            tables = new[] { "public.orders", "sales.customers", "LineItems" },
            minRows = new Dictionary<string, int> { ["orders"] = 1000, ["sales.customers"] = 3 },
            queries = new[] { "select id from orders where amount > 0;", "-- recent enough\nWITH c AS (SELECT * FROM sales.customers) TABLE c" },
        });

        Assert.True(output!["passed"]!.GetValue<bool>(), output.ToJsonString());
        Assert.Equal("nightly.dump", output["backupFile"]!.GetValue<string>());
        Assert.Equal(300, output["backupAgeSeconds"]!.GetValue<long>());
        Assert.Equal(26 * 3600, output["maxAgeSeconds"]!.GetValue<long>());
        Assert.Equal(clock.GetUtcNow().AddMinutes(-5).UtcDateTime,
            DateTime.Parse(output["backupTakenAt"]!.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind));
        Assert.True(output["restoreSeconds"]!.GetValue<double>() > 0);
        Assert.Equal(
            [
                ("table public.orders", "present"), ("table sales.customers", "present"), ("table public.LineItems", "present"),
                ("rows public.orders", "1,200 rows (≥ 1,000)"), ("rows sales.customers", "3 rows (≥ 3)"),
                ("query 1: select id from orders where amount > 0", "returned 1,200 rows"),
                ("query 2: -- recent enough WITH c AS (SELECT * FROM sales.customers) TABLE c", "returned 3 rows"),
            ],
            Checks(output).Select(c => (c["name"]!.GetValue<string>(), c["detail"]!.GetValue<string>())));
        Assert.All(Checks(output), c => Assert.True(c["passed"]!.GetValue<bool>()));
        Assert.Equal(1200, Checks(output)[3]["rows"]!.GetValue<long>());
        await AssertNoScratchLeftAsync();
        harness.AssertNowhere([source.Password], output.ToJsonString());
    }

    [Fact]
    public async Task A_truncated_dump_fails_with_pg_restores_reason_and_leaves_no_scratch_database()
    {
        var folder = source.BackupFolder(source.SmallDump, "nightly.dump", clock.GetUtcNow().AddHours(-1));
        var file = Path.Combine(folder, "nightly.dump");
        var bytes = File.ReadAllBytes(file);
        File.WriteAllBytes(file, bytes[..(bytes.Length / 2)]);
        File.SetLastWriteTimeUtc(file, clock.GetUtcNow().AddHours(-1).UtcDateTime);
        var harness = Harness(folder);

        var error = await harness.FailsAsync("backup", "verify", new { tables = new[] { "orders" } });

        Assert.StartsWith("Connector 'backup' verify: nightly.dump does not restore: ", error.Message);
        Assert.Contains("could not read from input file", error.Message);
        Assert.False(error.Retryable);
        Assert.False(error.Output!["passed"]!.GetValue<bool>());
        Assert.Equal(3600, error.Output["backupAgeSeconds"]!.GetValue<long>());
        Assert.Empty(Checks(error.Output));
        await AssertNoScratchLeftAsync();
        harness.AssertNowhere([source.Password], error.Message, error.Output.ToJsonString());
    }

    [Fact]
    public async Task Garbage_named_dump_fails_cleanly_and_leaves_no_scratch_database()
    {
        var folder = source.BackupFolder(source.SmallDump, "nightly.dump", clock.GetUtcNow());
        var file = Path.Combine(folder, "nightly.dump");
        File.WriteAllBytes(file, [.. Enumerable.Range(0, 4096).Select(i => (byte)(i * 37 % 251))]);
        File.SetLastWriteTimeUtc(file, clock.GetUtcNow().UtcDateTime);
        var harness = Harness(folder);

        var error = await harness.FailsAsync("backup", "verify", new { });

        Assert.StartsWith("Connector 'backup' verify: nightly.dump does not restore: ", error.Message);
        Assert.Contains("does not appear to be a valid archive", error.Message);
        Assert.False(error.Output!["passed"]!.GetValue<bool>());
        await AssertNoScratchLeftAsync();
    }

    [Fact]
    public async Task A_backup_older_than_MaxAge_fails_with_both_in_words_without_restoring()
    {
        var folder = source.BackupFolder(source.SmallDump, "nightly.dump", clock.GetUtcNow().AddDays(-2).AddHours(-3));
        // A server nothing listens on: any attempt to restore would fail differently.
        var harness = Harness(folder, connectionString: $"Host=127.0.0.1;Port={ConnectorHarness.ClosedPort()};Username=u;Password=unused-pw");

        var error = await harness.FailsAsync("backup", "verify", new { tables = new[] { "orders" } });

        Assert.Equal("Connector 'backup' verify: The newest backup, nightly.dump, is 2 d 3 h old; MaxAge is PT26H.", error.Message);
        Assert.False(error.Retryable);
        Assert.Equal(2 * 86400 + 3 * 3600, error.Output!["backupAgeSeconds"]!.GetValue<long>());
        Assert.Equal(26 * 3600, error.Output["maxAgeSeconds"]!.GetValue<long>());
        Assert.Null(error.Output["restoreSeconds"]);
        Assert.Equal("nightly.dump", error.Output["backupFile"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_folder_without_dumps_fails_saying_so()
    {
        var folder = source.BackupFolder(source.SmallDump, "nightly.sql", clock.GetUtcNow());
        var harness = Harness(folder);

        var error = await harness.FailsAsync("backup", "verify", new { });

        Assert.Equal($"Connector 'backup' verify: No backup (*.dump) in {folder}.", error.Message);
        Assert.False(error.Retryable);
    }

    [Fact]
    public async Task Settings_that_cannot_work_are_named_without_their_values()
    {
        var folder = source.BackupFolder(source.SmallDump, "nightly.dump", clock.GetUtcNow());
        var badAge = Harness(folder, maxAge: "26 hours");
        var noTools = Harness(folder, binPath: folder);

        var age = await badAge.FailsAsync("backup", "verify", new { });
        var tools = await noTools.FailsAsync("backup", "verify", new { });

        Assert.Equal("Connector 'backup': the setting MaxAge is not a positive ISO-8601 duration (e.g. PT26H).", age.Message);
        Assert.Equal($"Connector 'backup': the setting BinPath ({folder}) holds no pg_restore.", tools.Message);
        Assert.False(tools.Retryable);
    }

    [Fact]
    public async Task Failed_checks_are_each_named_with_their_figures()
    {
        var folder = source.BackupFolder(source.SmallDump, "nightly.dump", clock.GetUtcNow().AddMinutes(-1));
        var harness = Harness(folder);

        var error = await harness.FailsAsync("backup", "verify", new
        {
            tables = new[] { "public.orders", "public.missing" },
            minRows = new Dictionary<string, int> { ["orders"] = 5000, ["sales.customers"] = 2 },
            queries = new[] { "select 1 from orders where amount < 0" },
        });

        Assert.Equal("Connector 'backup' verify: 3 of 5 checks on nightly.dump failed: table public.missing (missing); "
            + "rows public.orders (1,200 rows, fewer than 5,000); query 1: select 1 from orders where amount < 0 (returned no rows).",
            error.Message);
        Assert.False(error.Retryable);
        var output = error.Output!;
        Assert.False(output["passed"]!.GetValue<bool>());
        Assert.True(output["restoreSeconds"]!.GetValue<double>() > 0);
        var orders = Checks(output).Single(c => c["name"]!.GetValue<string>() == "rows public.orders");
        Assert.Equal((1200L, 5000L, false), (orders["rows"]!.GetValue<long>(), orders["minRows"]!.GetValue<long>(),
            orders["passed"]!.GetValue<bool>()));
        Assert.True(Checks(output).Single(c => c["name"]!.GetValue<string>() == "rows sales.customers")["passed"]!.GetValue<bool>());
        Assert.Equal(0, Checks(output)[4]["rows"]!.GetValue<long>());
        await AssertNoScratchLeftAsync();
    }

    [Fact]
    public async Task Statements_other_than_one_select_are_refused_when_saved_and_when_run()
    {
        var marker = Path.Combine(Path.GetTempPath(), $"respond-verify-{Guid.NewGuid():N}");
        var harness = Harness(source.BackupFolder(source.SmallDump, "nightly.dump", clock.GetUtcNow()));
        var input = ConnectorHarness.Input(new
        {
            tables = new[] { "orders; drop table orders", "a.b.c", "{{ trigger.table }}" },
            minRows = new Dictionary<string, int> { ["x\"y"] = 1 },
            queries = new[] { $"COPY (select 1) TO PROGRAM 'touch {marker}'", "select 1; select 2", "select 1;" },
        });

        var problems = harness.Connectors.ValidateInput("backup", "verify", input);
        var error = await Assert.ThrowsAsync<ConnectorException>(() => harness.InvokeAsync("backup", "verify", input));

        Assert.Equal(
            [
                "input.tables[0] ('orders; drop table orders') must be a table name: a letter or _, then letters, digits, _ or $, "
                    + "optionally after 'schema.'.",
                "input.tables[1] ('a.b.c') must be a table name: a letter or _, then letters, digits, _ or $, optionally after 'schema.'.",
                "input.minRows key 'x\"y' must be a table name: a letter or _, then letters, digits, _ or $, optionally after 'schema.'.",
                "input.queries[0] must be a SELECT statement (or WITH, VALUES or TABLE).",
                "input.queries[1] must be one statement: ';' is allowed only at its end.",
            ], problems);
        Assert.StartsWith("Connector 'backup' verify: input.tables[0]", error.Message);
        Assert.False(File.Exists(marker));
        await AssertNoScratchLeftAsync();
    }

    [Fact]
    public async Task Hostile_selects_run_as_a_reader_that_can_only_read_and_are_refused()
    {
        var marker = Path.Combine(Path.GetTempPath(), $"respond-verify-{Guid.NewGuid():N}");
        var superuser = new Npgsql.NpgsqlConnectionStringBuilder(source.Admin).Username;
        var harness = Harness(source.BackupFolder(source.SmallDump, "nightly.dump", clock.GetUtcNow()), checkTimeout: "PT1S");

        var error = await harness.FailsAsync("backup", "verify", new
        {
            minRows = new Dictionary<string, int> { ["orders"] = PostgresBackupSource.OrderCount },
            queries = new[]
            {
                "select pg_read_file('/etc/passwd')",
                $"select set_config('role', '{superuser}', false)",
                $"select * from query_to_xml('copy (select 1) to program ''touch {marker}''', true, true, '')",
                "with gone as (delete from orders returning 1) select * from gone",
                "select nextval('order_numbers')",
                "select pg_sleep(5)",
                $"select count(*) from orders having count(*) = {PostgresBackupSource.OrderCount}",
            },
        });

        var details = Checks(error.Output!).Select(c => c["detail"]!.GetValue<string>()).ToList();
        Assert.Equal("1,200 rows (≥ 1,200)", details[0]);
        Assert.Equal("permission denied for function pg_read_file", details[1]);
        Assert.Equal("permission denied for function set_config", details[2]);
        Assert.Equal("COPY is not allowed in a non-volatile function", details[3]);
        Assert.Equal("WITH clause containing a data-modifying statement must be at the top level", details[4]);
        Assert.Equal("permission denied for sequence order_numbers", details[5]);
        Assert.Equal("did not finish within 1 s (CheckTimeout)", details[6]);
        Assert.Equal("returned 1 row", details[7]);
        Assert.DoesNotContain("root:", error.Output!.ToJsonString(), StringComparison.Ordinal);
        Assert.False(File.Exists(marker));
        Assert.StartsWith("Connector 'backup' verify: 6 of 8 checks on nightly.dump failed: ", error.Message);
        await AssertNoScratchLeftAsync();
        Assert.Equal(0, await source.CountAsync("SELECT count(*) FROM pg_roles WHERE rolname LIKE $1", $"respond_verify_{Stamp}%"));
    }

    [Fact]
    public async Task Without_a_superuser_checks_still_run_read_only_and_time_limited()
    {
        var user = $"respond_verify_owner_{Guid.NewGuid():N}"[..40];
        var password = $"pw-{Guid.NewGuid():N}";
        await source.ExecuteAsync($"CREATE ROLE \"{user}\" LOGIN CREATEDB PASSWORD '{password}'");
        try
        {
            var connection = new Npgsql.NpgsqlConnectionStringBuilder(source.Admin) { Username = user, Password = password }.ConnectionString;
            var harness = Harness(source.BackupFolder(source.SmallDump, "nightly.dump", clock.GetUtcNow()), connection, "PT1S");

            var error = await harness.FailsAsync("backup", "verify", new
            {
                minRows = new Dictionary<string, int> { ["orders"] = PostgresBackupSource.OrderCount },
                queries = new[] { "select nextval('order_numbers')", "select pg_read_file('/etc/passwd')", "select pg_sleep(5)" },
            });

            Assert.Equal(
                [
                    "1,200 rows (≥ 1,200)", "cannot execute nextval() in a read-only transaction",
                    "permission denied for function pg_read_file", "did not finish within 1 s (CheckTimeout)",
                ],
                Checks(error.Output!).Select(c => c["detail"]!.GetValue<string>()));
            await AssertNoScratchLeftAsync();
            harness.AssertNowhere([password, source.Password], error.Message, error.Output!.ToJsonString());
        }
        finally
        {
            await source.ExecuteAsync($"DROP ROLE \"{user}\"");
        }
    }

    [Fact]
    public async Task Cancelling_mid_restore_kills_pg_restore_and_drops_the_scratch_database()
    {
        var dump = await source.SlowDumpAsync();
        var harness = Harness(source.BackupFolder(dump, "slow.dump", clock.GetUtcNow()));
        using var cancel = new CancellationTokenSource();

        var verify = harness.Connectors.InvokeAsync("backup", "verify", new JsonObject(), ConnectorHarness.Key, TimeSpan.FromMinutes(5),
            cancel.Token);
        await Poll.UntilAsync(RestoringSessionsAsync, n => n > 0, TimeSpan.FromSeconds(30), "pg_restore to connect to the scratch database");
        var commandLines = CommandLines();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => verify);
        Assert.Contains(commandLines,
            line => line.Contains("pg_restore", StringComparison.Ordinal) && line.Contains(Stamp, StringComparison.Ordinal));
        Assert.DoesNotContain(commandLines, line => line.Contains(source.Password, StringComparison.Ordinal));
        Assert.DoesNotContain(CommandLines(), line => line.Contains(Stamp, StringComparison.Ordinal));
        Assert.Equal(0, await RestoringSessionsAsync());
        await AssertNoScratchLeftAsync();
        harness.AssertNowhere([source.Password]);
    }

    [Fact]
    public async Task A_restore_longer_than_the_step_timeout_fails_as_retryable_and_drops_the_scratch_database()
    {
        var dump = await source.SlowDumpAsync();
        var harness = Harness(source.BackupFolder(dump, "slow.dump", clock.GetUtcNow()));

        var error = await harness.FailsAsync("backup", "verify", new { }, timeout: TimeSpan.FromSeconds(3));

        Assert.Equal("Connector 'backup' verify: restoring slow.dump: pg_restore did not finish within 3 s.", error.Message);
        Assert.True(error.Retryable);
        Assert.True(error.Output!["restoreSeconds"]!.GetValue<double>() >= 3);
        Assert.DoesNotContain(CommandLines(), line => line.Contains(Stamp, StringComparison.Ordinal));
        await AssertNoScratchLeftAsync();
    }

    [Fact]
    public async Task A_wrong_password_fails_without_showing_any_password()
    {
        var wrong = new Npgsql.NpgsqlConnectionStringBuilder(source.Admin) { Password = "wrong-password-5f1c2d" }.ConnectionString;
        var harness = Harness(source.BackupFolder(source.SmallDump, "nightly.dump", clock.GetUtcNow()), connectionString: wrong);

        var error = await harness.FailsAsync("backup", "verify", new { });

        Assert.Contains("password authentication failed", error.Message);
        Assert.False(error.Retryable);
        // No scratch database was ever created, so none is reported as left behind.
        Assert.DoesNotContain(harness.Logs.Lines, line => line.Contains("could not drop", StringComparison.Ordinal));
        harness.AssertNowhere([source.Password, "wrong-password-5f1c2d"], error.Message, error.Output?.ToJsonString());
    }

    public void Dispose()
    {
        foreach (var harness in harnesses)
        {
            harness.Dispose();
        }
    }

    private ConnectorHarness Harness(string folder, string? connectionString = null, string? checkTimeout = null,
        string maxAge = "PT26H", string? binPath = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Respond:Connectors:backup:Kind"] = "postgres-backup",
            ["Respond:Connectors:backup:BackupPath"] = folder,
            ["Respond:Connectors:backup:ConnectionString"] = connectionString ?? source.Admin,
            ["Respond:Connectors:backup:MaxAge"] = maxAge,
            ["Respond:Connectors:backup:CheckTimeout"] = checkTimeout,
            ["Respond:Connectors:backup:BinPath"] = binPath,
        };

        var harness = new ConnectorHarness(settings, clock);
        harnesses.Add(harness);
        return harness;
    }

    private static List<JsonNode> Checks(JsonNode output) => [.. output["checks"]!.AsArray().Select(c => c!)];

    private async Task AssertNoScratchLeftAsync() =>
        Assert.Equal(0, await source.CountAsync("SELECT count(*) FROM pg_database WHERE datname LIKE $1", $"respond_verify_{Stamp}%"));

    private Task<long> RestoringSessionsAsync() => source.CountAsync(
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'respond-verify-restore' AND datname LIKE $1",
        $"respond_verify_{Stamp}%");

    // What every local user can read of each process's command line.
    private static List<string> CommandLines() =>
    [
        .. Directory.EnumerateDirectories("/proc").Where(d => Path.GetFileName(d).All(char.IsAsciiDigit)).Select(d =>
        {
            try
            {
                return File.ReadAllText(Path.Combine(d, "cmdline")).Replace('\0', ' ');
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return "";
            }
        }),
    ];
}
