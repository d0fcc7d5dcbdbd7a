using Marten;
using Npgsql;
using Respond.Domain.Alerts;
using Respond.Domain.Common;
using Respond.Server.Alerts;
using Respond.Server.Tests.Infrastructure;

namespace Respond.Server.Tests.Alerts;

/// <summary>
/// Intake's key lookups must follow the tables as they fill. A statement planned while the tables
/// were new, and kept, scans every stored key on every batch: a storm right after a deploy would slow
/// down as it grows.
/// </summary>
public class IntakeLookupTests(RespondApp app) : IClassFixture<RespondApp>
{
    private const int Stored = 20_000;
    private static readonly System.Text.Json.JsonElement EmptyPayload = System.Text.Json.JsonDocument.Parse("{}").RootElement;

    [Fact]
    public async Task Lookups_planned_on_new_tables_use_the_primary_key_once_the_tables_are_full()
    {
        var lookups = app.Service<IntakeLookups>();

        // The lookups' own connection settings, one connection and one transaction: PostgreSQL's
        // per-transaction counters then show exactly what these lookups did.
        await using var connection = new NpgsqlConnection(lookups.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();

        // The first minute of a new install: the tables hold a few hundred keys, not yet analyzed,
        // and storm-sized batches look keys up often enough for any plan caching to set in.
        var incidentId = Guid.NewGuid();
        var store = app.Service<IDocumentStore>();
        await StoreAsync(store, Enumerable.Range(0, 300).Select(_ => Guid.NewGuid()).ToArray(), incidentId);
        for (var batch = 0; batch < 12; batch++)
        {
            var ids = Enumerable.Range(0, 32).Select(_ => Guid.NewGuid()).ToArray();
            var known = await lookups.ReadAsync(connection, ids, ids.Select(SlotOf).ToArray(), CancellationToken.None);
            Assert.Empty(known.Received);
            Assert.Empty(known.KnownSlots);
        }

        var alertIds = Enumerable.Range(0, Stored).Select(_ => Guid.NewGuid()).ToArray();
        await StoreAsync(store, alertIds, incidentId);

        var before = await ScansAsync(connection, transaction);
        var asked = alertIds.Take(3).Concat(Enumerable.Range(0, 29).Select(_ => Guid.NewGuid())).ToArray();
        var found = await lookups.ReadAsync(connection, asked, asked.Select(SlotOf).ToArray(), CancellationToken.None);
        var after = await ScansAsync(connection, transaction);

        Assert.Equal(alertIds.Take(3).Order(), found.Received.Keys.Order());
        Assert.All(found.Received.Values, id => Assert.Equal(incidentId, id));
        Assert.Equal(alertIds.Take(3).Select(SlotOf).Order(StringComparer.Ordinal), found.KnownSlots.Order(StringComparer.Ordinal));
        foreach (var (table, (sequential, index)) in after)
        {
            Assert.True(sequential == before[table].Sequential,
                $"{table}: {sequential - before[table].Sequential} sequential scans of {Stored} rows");
            Assert.True(index > before[table].Index, $"{table}: no index scan");
        }
    }

    private static Task StoreAsync(IDocumentStore store, Guid[] alertIds, Guid incidentId) => store.BulkInsertDocumentsAsync(
        alertIds.Select(id => (object)Record(id, incidentId)).Concat(alertIds.Select(id => new CorrelationSlot { Id = SlotOf(id) })));

    private static string SlotOf(Guid id) => CorrelationSlot.IdFor("generic", id.ToString("N"));

    private static AlertRecord Record(Guid id, Guid incidentId) => new()
    {
        Id = id,
        IncidentId = incidentId,
        Disposition = Disposition.Opened,
        ReceivedAt = DateTimeOffset.UtcNow,
        Alert = new NormalizedAlert
        {
            Source = "generic",
            Kind = "generic",
            ExternalId = id.ToString("N"),
            DedupKey = id.ToString("N"),
            CorrelationKey = id.ToString("N"),
            Title = "stored before",
            Severity = Severity.Medium,
            Status = AlertStatus.Firing,
            Raw = EmptyPayload,
        },
    };

    private static async Task<Dictionary<string,
        (long Sequential, long Index)>> ScansAsync(NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        await using var command = new NpgsqlCommand(
            """
            select relname, seq_scan, coalesce(idx_scan, 0) from pg_stat_xact_user_tables
            where schemaname = 'respond' and relname in ('mt_doc_alertrecord', 'mt_doc_correlationslot')
            """, connection, transaction);
        var scans = new Dictionary<string, (long, long)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            scans[reader.GetString(0)] = (reader.GetInt64(1), reader.GetInt64(2));
        }

        Assert.Equal(2, scans.Count);
        return scans;
    }
}
