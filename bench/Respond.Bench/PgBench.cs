using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;
using Respond.Server.Storage;
using Respond.Server.Storage.Embedded;

namespace Respond.Bench;

/// <summary>
/// The floor to compare against: pgbench inserting 1 KB rows, one durable commit each, with the same number
/// of clients on the same PostgreSQL server. Respond's ingestion commits a bigger transaction per alert,
/// so the ratio says how much of the database's raw commit rate the service turns into alerts.
/// </summary>
internal static partial class PgBench
{
    private const string Table = "bench_rows";

    public static async Task<double> InsertTpsAsync(string connectionString, int clients, TimeSpan duration, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connectionString, $"DROP TABLE IF EXISTS {Table}; CREATE TABLE {Table}(id bigserial PRIMARY KEY, payload text);",
            cancellationToken);
        var script = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(script, $"INSERT INTO {Table}(payload) VALUES (repeat('x', 1024));\n", cancellationToken);
            var output = await RunAsync(connectionString, clients, duration, script, cancellationToken);
            var tps = TpsLine().Match(output);
            return tps.Success
                ? double.Parse(tps.Groups[1].Value, CultureInfo.InvariantCulture)
                : throw new InvalidOperationException($"pgbench printed no tps line:{Environment.NewLine}{output}");
        }
        finally
        {
            File.Delete(script);
            await ExecuteAsync(connectionString, $"DROP TABLE IF EXISTS {Table};", CancellationToken.None);
        }
    }

    private static async Task<string> RunAsync(string connectionString, int clients, TimeSpan duration, string script,
        CancellationToken cancellationToken)
    {
        var target = new NpgsqlConnectionStringBuilder(connectionString);
        var info = new ProcessStartInfo(Executable())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] arguments =
        [
            "-n", // no vacuum of pgbench's own tables: the custom script does not use them
            "-c", clients.ToString(CultureInfo.InvariantCulture),
            "-j", Math.Min(2, clients).ToString(CultureInfo.InvariantCulture),
            "-T", ((int)duration.TotalSeconds).ToString(CultureInfo.InvariantCulture),
            "-f", script,
            "-h", target.Host ?? "127.0.0.1",
            "-p", target.Port.ToString(CultureInfo.InvariantCulture),
            "-U", target.Username ?? "postgres",
            "-d", target.Database ?? "postgres",
        ];
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // pgbench is only a client: it may run as root even when the cluster runs as postgres.
        info.Environment["PGPASSWORD"] = target.Password ?? "";
        info.Environment["LC_MESSAGES"] = "C";

        using var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start pgbench.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(duration + TimeSpan.FromMinutes(1));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var text = await output + Environment.NewLine + await error;
        return process.ExitCode == 0 ? text
            : throw new InvalidOperationException($"pgbench failed with exit code {process.ExitCode}:{Environment.NewLine}{text}");
    }

    // The pgbench next to the server binaries matches the cluster's version; else whatever is on PATH.
    private static string Executable()
    {
        var folder = PostgresBinaries.Find();
        var beside = folder is null ? null : Path.Combine(folder, OperatingSystem.IsWindows() ? "pgbench.exe" : "pgbench");
        return beside is not null && File.Exists(beside) ? beside : "pgbench";
    }

    private static async Task ExecuteAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var session = new NpgsqlConnection(connectionString);
        await session.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, session);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    // PostgreSQL 14+: "tps = 10512.345678 (without initial connection time)".
    [GeneratedRegex(@"^tps = ([0-9]+(?:\.[0-9]+)?)", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex TpsLine();
}
