using System.Security.Cryptography;
using System.Text;
using Marten;
using Npgsql;
using Respond.Domain.Playbooks.Runs;
using Respond.Server.Storage;

namespace Respond.Server.Runbooks;

/// <summary>
/// One run of a runbook at a time, across every process: two failover drills at once would fail each other's site over, and a
/// responder pressing "run now" over and over would restore the same backup over and over. Starts of one runbook queue on a
/// PostgreSQL advisory lock, and each looks for a run still going before it starts its own.
/// </summary>
public sealed class RunbookRunGuard(RespondDatabase database, IDocumentStore store)
{
    /// <summary>Runs <paramref name="start"/> unless a run of the runbook is still going; answers that run instead.</summary>
    public async Task<PlaybookRun?> StartUnlessRunningAsync(string runbookId, Func<Task> start, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(ct);
        var key = LockKey(runbookId);
        await using (var take = new NpgsqlCommand("select pg_advisory_lock($1)", connection))
        {
            take.Parameters.Add(new NpgsqlParameter { Value = key });
            await take.ExecuteNonQueryAsync(ct);
        }

        try
        {
            await using var session = store.QuerySession();
            var going = await session.Query<PlaybookRun>()
                .Where(r => r.PlaybookId == runbookId && r.IncidentId == null
                    && (r.Status == RunStatus.Running || r.Status == RunStatus.Waiting))
                .OrderByDescending(r => r.StartedAt)
                .FirstOrDefaultAsync(ct);
            if (going is null)
            {
                await start();
            }

            return going;
        }
        finally
        {
            // Closing the connection would release it too; unlocking first keeps a pooled connection clean.
            await using var release = new NpgsqlCommand("select pg_advisory_unlock($1)", connection);
            release.Parameters.Add(new NpgsqlParameter { Value = key });
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    private static long LockKey(string runbookId) =>
        BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes("respond:runbook:" + runbookId)), 0);
}
