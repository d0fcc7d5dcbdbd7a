using Npgsql;

namespace Respond.Server.Tests.Infrastructure;

/// <summary>Counts straight from PostgreSQL, to prove a refusal stored nothing.</summary>
public static class StoredCounts
{
    public static async Task<(long Events, long Alerts)> ReadAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        return (await CountAsync(connection, "respond.mt_events"), await CountAsync(connection, "respond.mt_doc_alertrecord"));
    }

    private static async Task<long> CountAsync(NpgsqlConnection connection, string table)
    {
        await using var command = new NpgsqlCommand($"select count(*) from {table}", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
