using System.Diagnostics;
using Npgsql;

namespace Respond.Server.Connectors.Kinds.PostgresStandby;

/// <summary>The row the drill writes on the primary before the copy is made, and the WAL position just after it.</summary>
internal sealed record Canary(Guid Id, string Lsn);

/// <summary>The replay lag at promotion: how far the copy was behind the primary, in bytes of WAL and in seconds.</summary>
internal sealed record ReplayLag(long Bytes, double Seconds);

/// <summary>The drill's SQL: the canary on the primary, and catching up, the replay lag, promotion and the first write on the copy.</summary>
internal static class DrillMeasurements
{
    public const string CanaryTable = "respond_drill_canary";

    // A hot standby refuses to start with less of these than its primary has.
    private static readonly string[] HotStandbyLimits =
    [
        "max_connections", "max_worker_processes", "max_wal_senders", "max_prepared_transactions", "max_locks_per_transaction",
    ];

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>Writes a canary row on the primary and reads the WAL position after it, and the limits the copy must match.</summary>
    public static async Task<(Canary Canary, Dictionary<string, string> Limits)> WriteCanaryAsync(
        StandbySettings settings, CancellationToken cancellationToken)
    {
        await using var primary = new NpgsqlConnection(settings.Primary.ConnectionString);
        await primary.OpenAsync(cancellationToken);
        try
        {
            await ExecuteAsync(primary, $"CREATE TABLE IF NOT EXISTS {CanaryTable} (id uuid PRIMARY KEY, written_at timestamptz NOT NULL)",
                cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DuplicateTable)
        {
            // Another drill created it at the same moment.
        }

        var id = Guid.NewGuid();
        await ExecuteAsync(primary, $"INSERT INTO {CanaryTable} (id, written_at) VALUES ($1, now())", cancellationToken, id);
        // Read after the INSERT committed (its own statement), so the copy must replay at least this far to hold the row.
        var lsn = (string)(await ScalarAsync(primary, "SELECT pg_current_wal_lsn()::text", cancellationToken))!;

        var limits = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var command = new NpgsqlCommand("SELECT name, setting FROM pg_settings WHERE name = ANY($1)", primary);
        command.Parameters.Add(new NpgsqlParameter { Value = HotStandbyLimits });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            limits[reader.GetString(0)] = reader.GetString(1);
        }

        return (new Canary(id, lsn), limits);
    }

    /// <summary>Deletes the canary from the primary so drills do not grow the table; best effort, on its own short deadline.</summary>
    public static async Task<bool> DeleteCanaryAsync(StandbySettings settings, Canary canary)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await using var primary = new NpgsqlConnection(settings.Primary.ConnectionString);
            await primary.OpenAsync(deadline.Token);
            await ExecuteAsync(primary, $"DELETE FROM {CanaryTable} WHERE id = $1", deadline.Token, canary.Id);
            return true;
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or TimeoutException or IOException)
        {
            return false;
        }
    }

    /// <summary>Waits until the copy has replayed the primary's WAL up to the canary.</summary>
    public static async Task WaitForReplayAsync(NpgsqlConnection copy, StandbyCopy process, Canary canary, CancellationToken cancellationToken)
    {
        while (true)
        {
            await process.EnsureRunningAsync();
            if (await ScalarAsync(copy, "SELECT coalesce(pg_last_wal_replay_lsn() >= $1::pg_lsn, false)", cancellationToken, canary.Lsn)
                is true)
            {
                return;
            }

            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    /// <summary>The primary's current WAL position against what the copy has replayed, read just before promotion.</summary>
    public static async Task<ReplayLag> ReplayLagAsync(StandbySettings settings, NpgsqlConnection copy, CancellationToken cancellationToken)
    {
        string primaryLsn;
        await using (var primary = new NpgsqlConnection(settings.Primary.ConnectionString))
        {
            await primary.OpenAsync(cancellationToken);
            primaryLsn = (string)(await ScalarAsync(primary, "SELECT pg_current_wal_lsn()::text", cancellationToken))!;
        }

        await using var command = new NpgsqlCommand(
            "SELECT pg_wal_lsn_diff($1::pg_lsn, pg_last_wal_replay_lsn())::bigint, " +
            "extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8", copy);
        command.Parameters.Add(new NpgsqlParameter { Value = primaryLsn });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var bytes = reader.IsDBNull(0) ? 0 : Math.Max(0, reader.GetInt64(0));
        // Caught up means no lag, however long ago the last transaction was.
        var seconds = bytes == 0 || reader.IsDBNull(1) ? 0 : Math.Max(0, reader.GetDouble(1));
        return new ReplayLag(bytes, seconds);
    }

    /// <summary>Promotes the copy and measures the time from the request to its first successful write.</summary>
    public static async Task<TimeSpan> PromoteAsync(NpgsqlConnection copy, StandbyCopy process, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await ExecuteAsync(copy, "SELECT pg_promote(wait => false)", cancellationToken);
        while (true)
        {
            try
            {
                await ExecuteAsync(copy, $"INSERT INTO {CanaryTable} (id, written_at) VALUES ($1, now())", cancellationToken, Guid.NewGuid());
                return clock.Elapsed;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ReadOnlySqlTransaction)
            {
                // Still in recovery: the copy accepts writes once promotion has finished.
            }

            await process.EnsureRunningAsync();
            await Task.Delay(TimeSpan.FromMilliseconds(5), cancellationToken);
        }
    }

    public static async Task<bool> HasCanaryAsync(NpgsqlConnection copy, Canary canary, CancellationToken cancellationToken) =>
        await ScalarAsync(copy, $"SELECT EXISTS (SELECT 1 FROM {CanaryTable} WHERE id = $1)", cancellationToken, canary.Id) is true;

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object[] values)
    {
        await using var command = Command(connection, sql, values);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken,
        params object[] values)
    {
        await using var command = Command(connection, sql, values);
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, object[] values)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return command;
    }
}
