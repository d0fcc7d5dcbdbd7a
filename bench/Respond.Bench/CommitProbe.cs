using System.Diagnostics;
using Npgsql;

namespace Respond.Bench;

/// <summary>
/// Plain durable commits beside a phase: one 1 KB row per transaction at a fixed rate, each timed. When
/// the disk stalls its flushes, every commit on the server waits, the service's and these alike; so a
/// tail in both at once is the machine's, and a tail in the phase alone is the service's.
/// </summary>
internal sealed class CommitProbe : IAsyncDisposable
{
    private const string Table = "bench_commit_probe";

    private readonly CancellationTokenSource stop = new();
    private readonly List<long> latencies = [];
    private readonly Task loop;

    private CommitProbe(string connectionString, double perSecond) =>
        loop = Task.Run(() => LoopAsync(connectionString, TimeSpan.FromSeconds(1 / perSecond)));

    public static async Task<CommitProbe> StartAsync(string connectionString, double perSecond, CancellationToken ct)
    {
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync(ct);
            await using var create = new NpgsqlCommand($"CREATE TABLE IF NOT EXISTS {Table}(id bigserial PRIMARY KEY, payload text)", connection);
            await create.ExecuteNonQueryAsync(ct);
        }

        return new CommitProbe(connectionString, perSecond);
    }

    /// <summary>Stops probing and answers each commit's time, in Stopwatch ticks.</summary>
    public async Task<long[]> StopAsync()
    {
        await stop.CancelAsync();
        await loop;
        return [.. latencies];
    }

    private async Task LoopAsync(string connectionString, TimeSpan interval)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(stop.Token);
        await using var insert = new NpgsqlCommand($"INSERT INTO {Table}(payload) VALUES (repeat('x', 1024))", connection);
        var next = Stopwatch.GetTimestamp();
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var started = Stopwatch.GetTimestamp();
                await insert.ExecuteNonQueryAsync(stop.Token); // autocommit: one durable commit
                latencies.Add(Stopwatch.GetTimestamp() - started);
                next += (long)(interval.TotalSeconds * Stopwatch.Frequency);
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), next);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, stop.Token);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!stop.IsCancellationRequested)
        {
            await StopAsync();
        }

        stop.Dispose();
    }
}
