using System.Globalization;
using Npgsql;

namespace Respond.Server.Connectors.Kinds.PostgresBackup;

/// <summary>The statements of one check, in its transaction, each limited to the check time-out.</summary>
internal sealed class CheckRun(NpgsqlConnection connection, NpgsqlTransaction transaction, TimeSpan timeout)
{
    public async Task<T> ScalarAsync<T>(string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction)
        {
            // The server's statement_timeout ends a slow statement first; this only guards against a server that does not answer.
            CommandTimeout = (int)Math.Ceiling(timeout.TotalSeconds) + 10,
        };
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is null or DBNull ? default! : (T)value;
    }
}

/// <summary>
/// Runs each check in a READ ONLY transaction of its own with <c>statement_timeout</c> set, as the reader role when
/// there is one; a check that errs fails with the server's reason, and the next check starts clean.
/// </summary>
internal sealed class CheckSession(NpgsqlConnection connection, string? reader, TimeSpan timeout)
{
    private readonly string preamble = "SET TRANSACTION READ ONLY; "
        + $"SET LOCAL statement_timeout = {((long)Math.Ceiling(timeout.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture)}; "
        + (reader is null ? "" : $"SET LOCAL ROLE {ScratchDatabase.Quote(reader)};");

    public async Task<CheckResult> RunAsync(string name, Func<CheckRun, CancellationToken, Task<CheckResult>> check,
        CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            await ScratchDatabase.ExecuteAsync(connection, preamble, cancellationToken, transaction);
            return await check(new CheckRun(connection, transaction, timeout), cancellationToken);
        }
        catch (PostgresException e)
        {
            return new CheckResult(name, false, e.SqlState == PostgresErrorCodes.QueryCanceled
                ? $"did not finish within {timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s (CheckTimeout)"
                : e.MessageText);
        }
    }
}
