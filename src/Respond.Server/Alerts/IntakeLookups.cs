using Marten;
using Npgsql;

namespace Respond.Server.Alerts;

/// <summary>
/// What storage already knows about a batch of alerts: which were received before (and into which
/// incident), and which correlation keys have a slot. One round trip, one statement per table.
/// </summary>
/// <remarks>
/// These statements run on their own pool with auto-prepare off, so PostgreSQL plans them for each
/// batch. Prepared, <c>id = ANY($1)</c> gets a cached plan, and one made while the tables were new is a
/// table scan that is kept as they fill: every batch then reads every key stored, until autovacuum's
/// first analyze. Primary-key statements per id avoid that too, but cost a statement per alert.
/// Reading outside the write's transaction is safe: the inserts' unique keys decide races, not this read.
/// </remarks>
public sealed class IntakeLookups : IAsyncDisposable
{
    private readonly NpgsqlDataSource dataSource;
    private readonly string receivedSql;
    private readonly string slotsSql;

    public IntakeLookups(string connectionString, IDocumentStore store)
    {
        ConnectionString = new NpgsqlConnectionStringBuilder(connectionString)
        {
            MaxAutoPrepare = 0,
            MaxPoolSize = 8,
            ApplicationName = "respond-intake-lookups",
        }.ConnectionString;
        dataSource = NpgsqlDataSource.Create(ConnectionString);

        var records = store.Options.FindOrResolveDocumentType(typeof(AlertRecord)).TableName.QualifiedName;
        var slots = store.Options.FindOrResolveDocumentType(typeof(CorrelationSlot)).TableName.QualifiedName;
        receivedSql = $"select id, (data ->> 'incidentId')::uuid from {records} where id = any($1)";
        slotsSql = $"select id from {slots} where id = any($1)";
    }

    /// <summary>The settings these lookups connect with, password included: for tests that check their plans, never for output.</summary>
    internal string ConnectionString { get; }

    public async Task<IntakeKnowledge> ReadAsync(Guid[] alertIds, string[] slotIds, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await ReadAsync(connection, alertIds, slotIds, ct);
    }

    /// <summary>The lookups on a given connection (the pool's, or a test's inside its own transaction).</summary>
    internal async Task<IntakeKnowledge> ReadAsync(NpgsqlConnection connection, Guid[] alertIds, string[] slotIds, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand(receivedSql) { Parameters = { new NpgsqlParameter { Value = alertIds } } },
                new NpgsqlBatchCommand(slotsSql) { Parameters = { new NpgsqlParameter { Value = slotIds } } },
            },
        };

        var received = new Dictionary<Guid, Guid?>();
        var known = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await batch.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            received[reader.GetGuid(0)] = await reader.IsDBNullAsync(1, ct) ? null : reader.GetGuid(1);
        }

        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            known.Add(reader.GetString(0));
        }

        return new IntakeKnowledge(received, known);
    }

    public ValueTask DisposeAsync() => dataSource.DisposeAsync();
}

/// <summary>Alert id → the incident it went to, for alerts already received; correlation keys that have a slot.</summary>
public sealed record IntakeKnowledge(IReadOnlyDictionary<Guid, Guid?> Received, IReadOnlySet<string> KnownSlots);
