using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;

namespace Respond.Server.Connectors.Kinds.PostgresBackup;

/// <summary>One check's verdict, as the step's output shows it; <c>rows</c>/<c>minRows</c> carry the figures.</summary>
internal sealed record CheckResult(string Name, bool Passed, string Detail, long? Rows = null, long? MinRows = null)
{
    public JsonObject ToJson()
    {
        var json = new JsonObject { ["name"] = Name, ["passed"] = Passed, ["detail"] = Detail };
        if (Rows is not null || MinRows is not null)
        {
            json["rows"] = Rows;
        }

        if (MinRows is not null)
        {
            json["minRows"] = MinRows;
        }

        return json;
    }
}

/// <summary>
/// Runs the checks in the restored scratch database. Queries come from playbook authors, so each check runs in its own
/// READ ONLY transaction under a <c>statement_timeout</c>; when the connection user is a superuser, also as the scratch
/// database's throwaway reader role, which may read its tables and nothing else (no <c>pg_read_file</c>, no
/// <c>COPY … TO PROGRAM</c>, no <c>set_config</c> to take the superuser role back, no function restored from the dump).
/// </summary>
internal static class BackupCheckRunner
{
    public static async Task<List<CheckResult>> RunAsync(ScratchDatabase scratch, CheckPlan plan, TimeSpan checkTimeout,
        CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(scratch.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        var reader = await IsSuperuserAsync(connection, cancellationToken)
            ? await CreateReaderAsync(connection, scratch, cancellationToken)
            : null;
        var session = new CheckSession(connection, reader, checkTimeout);
        var results = new List<CheckResult>();
        foreach (var table in plan.Tables)
        {
            results.Add(await session.RunAsync($"table {table}", async (run, ct) =>
                await ResolveAsync(run, table, ct) is null
                    ? new CheckResult($"table {table}", false, "missing")
                    : new CheckResult($"table {table}", true, "present"), cancellationToken));
        }

        foreach (var (table, minimum) in plan.MinRows)
        {
            var name = $"rows {table}";
            results.Add(await session.RunAsync(name, async (run, ct) =>
            {
                if (await ResolveAsync(run, table, ct) is not { } found)
                {
                    return new CheckResult(name, false, "missing", MinRows: minimum);
                }

                var rows = await run.ScalarAsync<long>($"SELECT count(*) FROM {found}", ct);
                return rows >= minimum
                    ? new CheckResult(name, true, $"{Count(rows, "row")} (≥ {minimum.ToString("N0", CultureInfo.InvariantCulture)})", rows, minimum)
                    : new CheckResult(name, false, $"{Count(rows, "row")}, fewer than {minimum.ToString("N0", CultureInfo.InvariantCulture)}",
                        rows, minimum);
            }, cancellationToken));
        }

        for (var i = 0; i < plan.Queries.Count; i++)
        {
            var query = plan.Queries[i];
            var name = $"query {i + 1}: {OneLine(query)}";
            // The query becomes a sub-query: whatever it is, the statement run is a SELECT, and only its row count comes back.
            results.Add(await session.RunAsync(name, async (run, ct) =>
                await run.ScalarAsync<long>($"SELECT count(*) FROM (\n{query}\n) AS respond_check", ct) is var rows && rows > 0
                    ? new CheckResult(name, true, $"returned {Count(rows, "row")}", rows)
                    : new CheckResult(name, false, "returned no rows", 0), cancellationToken));
        }

        return results;
    }

    private static async Task<bool> IsSuperuserAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT current_setting('is_superuser') = 'on'", connection);
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    }

    private static async Task<string> CreateReaderAsync(NpgsqlConnection connection, ScratchDatabase scratch,
        CancellationToken cancellationToken)
    {
        await scratch.CreateReaderAsync(connection, cancellationToken);
        var reader = ScratchDatabase.Quote(scratch.Reader);
        // set_config('role', …) would take the superuser back (the session user is one); functions from the dump are
        // owned by the superuser once restored without owners, and may run SQL of their own.
        var grants = new StringBuilder("REVOKE EXECUTE ON FUNCTION pg_catalog.set_config(text, text, boolean) FROM PUBLIC;");
        await using (var schemas = new NpgsqlCommand(
            "SELECT nspname FROM pg_catalog.pg_namespace WHERE nspname !~ '^pg_' AND nspname <> 'information_schema'", connection))
        await using (var rows = await schemas.ExecuteReaderAsync(cancellationToken))
        {
            while (await rows.ReadAsync(cancellationToken))
            {
                var schema = ScratchDatabase.Quote(rows.GetString(0));
                grants.Append(CultureInfo.InvariantCulture, $"GRANT USAGE ON SCHEMA {schema} TO {reader};")
                    .Append(CultureInfo.InvariantCulture, $"GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {reader};")
                    .Append(CultureInfo.InvariantCulture, $"REVOKE EXECUTE ON ALL ROUTINES IN SCHEMA {schema} FROM PUBLIC;");
            }
        }

        await ScratchDatabase.ExecuteAsync(connection, grants.ToString(), cancellationToken);
        return scratch.Reader;
    }

    /// <summary>The table as catalogued: the name as written, else as SQL folds an unquoted name (lower case).</summary>
    private static async Task<string?> ResolveAsync(CheckRun run, TableName table, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname)
            FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND n.nspname IN ($1, lower($1)) AND c.relname IN ($2, lower($2))
            ORDER BY n.nspname = $1 DESC, c.relname = $2 DESC
            LIMIT 1
            """;
        return await run.ScalarAsync<string?>(sql, cancellationToken, table.Schema, table.Table);
    }

    private static string Count(long n, string unit) =>
        $"{n.ToString("N0", CultureInfo.InvariantCulture)} {unit}{(n == 1 ? "" : "s")}";

    private static string OneLine(string query)
    {
        var line = string.Join(' ', query.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return line.Length <= 80 ? line : line[..80] + "…";
    }
}
