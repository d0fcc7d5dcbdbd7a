using Marten;
using Marten.Services;
using Npgsql;
using Respond.Server.Alerts;
using Respond.Server.Storage;
using Respond.Server.Tests.Infrastructure;

namespace Respond.Server.Tests.Alerts;

/// <summary>
/// Intake reads its duplicate and correlation keys by primary key, from the first alert on. A
/// statement is prepared once per connection and its plan kept: one planned as a table scan while the
/// table was new stays a table scan as it fills, and a storm right after a deploy slows as it grows.
/// </summary>
public class IntakeLookupTests(RespondApp app) : IClassFixture<RespondApp>
{
    [Fact]
    public async Task Key_lookups_on_a_new_install_use_the_primary_key_and_never_scan_the_tables()
    {
        // The server's own connection settings (statements auto-prepared), on one connection and one
        // transaction, so PostgreSQL's per-transaction counters show exactly what these lookups did.
        await using var connection = new NpgsqlConnection(StorageSetup.Tuned(app.ConnectionString));
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var session = app.Service<IDocumentStore>().LightweightSession(SessionOptions.ForTransaction(transaction));

        // Batches of a storm's size, often enough for the statements to be prepared and their plans cached.
        for (var batch = 0; batch < 12; batch++)
        {
            var alertIds = Enumerable.Range(0, 32).Select(_ => Guid.NewGuid()).ToArray();
            var slotIds = alertIds.Select(id => CorrelationSlot.IdFor("generic", id.ToString())).ToArray();
            var (received, slots) = await IntakeKeys.ReadAsync(session, alertIds, slotIds, CancellationToken.None);
            Assert.Empty(received);
            Assert.Empty(slots);
        }

        await using var counters = new NpgsqlCommand(
            """
            select relname, seq_scan, coalesce(idx_scan, 0) from pg_stat_xact_user_tables
            where schemaname = 'respond' and relname in ('mt_doc_alertrecord', 'mt_doc_correlationslot') order by relname
            """, connection, transaction);
        var scans = new List<(string Table, long Sequential, long Index)>();
        await using (var reader = await counters.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                scans.Add((reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
            }
        }

        Assert.Equal(["mt_doc_alertrecord", "mt_doc_correlationslot"], scans.Select(s => s.Table));
        Assert.All(scans, s =>
        {
            Assert.True(s.Sequential == 0, $"{s.Table}: {s.Sequential} sequential scans");
            Assert.True(s.Index >= 12, $"{s.Table}: only {s.Index} index scans");
        });
    }
}
