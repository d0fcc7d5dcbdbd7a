using System.Diagnostics;
using Npgsql;
using Respond.Server.Storage.Embedded;
using Respond.Server.Tests.Infrastructure;

namespace Respond.Server.Tests.Connectors;

/// <summary>
/// A source database on the test server and real <c>pg_dump -Fc</c> files of it: a small one (1,200 orders, a
/// second schema, a mixed-case table, a table with row-level security, a sequence) and, when a test asks, one that takes
/// a while to restore.
/// </summary>
public sealed class PostgresBackupSource : IAsyncLifetime
{
    public const int OrderCount = 1200;

    private readonly string folder = Path.Combine(Path.GetTempPath(), $"respond-pgbackup-{Guid.NewGuid():N}");
    private Task<string>? slowDump;

    /// <summary>The test server's administrator connection string: it may create databases and roles.</summary>
    public string Admin { get; private set; } = "";

    public string Password => new NpgsqlConnectionStringBuilder(Admin).Password ?? "";

    public string SmallDump { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(folder);
        Admin = await TestPostgres.AdminConnectionStringAsync();
        SmallDump = await DumpAsync("pgbackup_small", $"""
            CREATE TABLE orders (id int PRIMARY KEY, amount numeric NOT NULL);
            INSERT INTO orders SELECT g, g * 1.5 FROM generate_series(1, {OrderCount}) g;
            CREATE SCHEMA sales;
            CREATE TABLE sales.customers (id int PRIMARY KEY, name text NOT NULL);
            INSERT INTO sales.customers VALUES (1, 'Ada'), (2, 'Grace'), (3, 'Edsger');
            ALTER TABLE sales.customers ENABLE ROW LEVEL SECURITY;
            ALTER TABLE sales.customers FORCE ROW LEVEL SECURITY;
            CREATE TABLE "LineItems" (id int);
            CREATE SEQUENCE order_numbers;
            """);
    }

    /// <summary>
    /// A dump whose restore takes about 10 s on any machine, to be interrupted: it rebuilds an index whose expression
    /// sleeps a quarter of a second per row. The function only starts sleeping once the index exists, so making it is quick.
    /// </summary>
    public Task<string> SlowDumpAsync() => slowDump ??= DumpAsync("pgbackup_slow", """
        CREATE FUNCTION slowly(n int) RETURNS int IMMUTABLE LANGUAGE sql AS 'SELECT n';
        CREATE TABLE events (id int PRIMARY KEY);
        INSERT INTO events SELECT generate_series(1, 40);
        CREATE INDEX events_slowly ON events ((slowly(id)));
        CREATE OR REPLACE FUNCTION slowly(n int) RETURNS int IMMUTABLE LANGUAGE sql AS 'SELECT n FROM pg_catalog.pg_sleep(0.25)';
        """);

    /// <summary>A fresh folder holding a copy of a dump as <paramref name="name"/>, written at <paramref name="writtenAt"/>.</summary>
    public string BackupFolder(string dump, string name, DateTimeOffset writtenAt)
    {
        var target = Path.Combine(folder, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(target);
        var file = Path.Combine(target, name);
        File.Copy(dump, file);
        File.SetLastWriteTimeUtc(file, writtenAt.UtcDateTime);
        return target;
    }

    public async Task<long> CountAsync(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(Admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public Task DisposeAsync()
    {
        Directory.Delete(folder, recursive: true);
        return Task.CompletedTask;
    }

    private async Task<string> DumpAsync(string prefix, string schema)
    {
        var source = await TestPostgres.CreateDatabaseAsync(prefix);
        await using (var connection = new NpgsqlConnection(source))
        {
            await connection.OpenAsync();
            await using var fill = new NpgsqlCommand(schema, connection);
            await fill.ExecuteNonQueryAsync();
        }

        var file = Path.Combine(folder, prefix + ".dump");
        var server = new NpgsqlConnectionStringBuilder(source);
        var info = new ProcessStartInfo(PgDump())
        {
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-Fc", $"--host={server.Host}", $"--port={server.Port}", $"--username={server.Username}",
            $"--dbname={server.Database}", $"--file={file}" })
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["PGPASSWORD"] = server.Password;
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(limit.Token);
        Assert.True(process.ExitCode == 0, $"pg_dump failed: {await error}");
        return file;
    }

    // As the product finds pg_restore: the folder of the embedded cluster's binaries.
    private static string PgDump() =>
        PostgresBinaries.Find() is { } bin && File.Exists(PostgresBinaries.Executable(bin, "pg_dump"))
            ? PostgresBinaries.Executable(bin, "pg_dump")
            : throw new InvalidOperationException("pg_dump was not found beside the PostgreSQL server binaries.");
}
