using System.Globalization;
using System.Security.Cryptography;
using Npgsql;

namespace Respond.Server.Connectors.Kinds.PostgresBackup;

/// <summary>
/// The database a backup is restored into, named so an operator recognises it
/// (<c>respond_verify_20261206021500_3f9a1c0e</c>), and the throwaway role its checks may run as. Both are dropped
/// however the verification ends.
/// </summary>
internal sealed class ScratchDatabase(NpgsqlConnectionStringBuilder server, string name)
{
    public const string Prefix = "respond_verify_";

    private bool mayExist;
    private bool readerCreated;

    public string Name { get; } = name;

    /// <summary>A NOLOGIN role that may only read this database's tables (see <see cref="BackupCheckRunner"/>).</summary>
    public string Reader => Name + "_reader";

    public static string NewName(DateTimeOffset now) =>
        Prefix + now.UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture)
            + "_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    /// <summary>Connections to the scratch database; unpooled, since each name is used once.</summary>
    public string ConnectionString => Connection(server, Name);

    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    // template0: objects an administrator added to template1 (an extension, say) would collide with the dump's own.
    public async Task CreateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenServerAsync(cancellationToken);
        // From here on the database may exist, even if the answer to CREATE never arrives.
        mayExist = true;
        await ExecuteAsync(connection, $"CREATE DATABASE {Quote(Name)} TEMPLATE template0", cancellationToken);
    }

    public Task CreateReaderAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        readerCreated = true;
        return ExecuteAsync(connection, $"CREATE ROLE {Quote(Reader)} NOLOGIN NOINHERIT BYPASSRLS", cancellationToken);
    }

    /// <summary>Drops the database (ending any session still in it) and the role. Never throws: returns what went wrong.</summary>
    public async Task<string?> DropAsync()
    {
        // The caller's token may be cancelled already: clean-up has its own time limit.
        if (!mayExist)
        {
            return null;
        }

        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await using var connection = await OpenServerAsync(limit.Token);
            await ExecuteAsync(connection, $"DROP DATABASE IF EXISTS {Quote(Name)} WITH (FORCE)", limit.Token);
            if (readerCreated)
            {
                await ExecuteAsync(connection, $"DROP ROLE IF EXISTS {Quote(Reader)}", limit.Token);
            }

            return null;
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            return e is PostgresException postgres ? postgres.MessageText : e.GetType().Name;
        }
    }

    public static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken,
        NpgsqlTransaction? transaction = null)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    // The configured database (or postgres) is where CREATE and DROP DATABASE are sent from.
    private async Task<NpgsqlConnection> OpenServerAsync(CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(Connection(server, server.Database is { Length: > 0 } db ? db : "postgres"));
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static string Connection(NpgsqlConnectionStringBuilder server, string database) =>
        new NpgsqlConnectionStringBuilder(server.ConnectionString)
        {
            Database = database,
            Pooling = false,
            ApplicationName = "respond-verify",
        }.ConnectionString;
}
