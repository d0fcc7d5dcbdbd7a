using System.Globalization;
using Npgsql;
using Respond.Domain.Common;
using Respond.Domain.Incidents;
using Respond.Server.Auth;
using Respond.Server.Hosting;

namespace Respond.Server.Metrics;

/// <summary>
/// <c>GET /api/metrics/soc?from=&amp;to=</c> over incidents opened in [from, to) (default: the last 30 days).
/// MTTA, MTTC and MTTR are mean seconds from opening to acknowledgement, containment and recovery
/// (or closing, for incidents closed without a recovery); null when no incident reached that milestone.
/// </summary>
public static class GetSocMetrics
{
    public sealed record Containment(long Automated, long Manual);

    public sealed record Answer(
        DateTimeOffset From,
        DateTimeOffset To,
        long Total,
        double? Mtta,
        double? Mttc,
        double? Mttr,
        IReadOnlyDictionary<string, long> ByStatus,
        IReadOnlyDictionary<string, long> BySeverity,
        IReadOnlyDictionary<string, long> BySource,
        Containment Containment);

    private const string Rows = """
        with r as (
          select (data->>'openedAt')::timestamptz as opened,
                 (data->>'acknowledgedAt')::timestamptz as acknowledged,
                 (data->>'containedAt')::timestamptz as contained,
                 coalesce((data->>'recoveredAt')::timestamptz, (data->>'closedAt')::timestamptz) as recovered,
                 data->>'status' as status, data->>'severity' as severity, data->'sources' as sources,
                 coalesce((data->>'containedAutomatically')::boolean, false) as automated
          from respond.mt_doc_incidentmetricsrow)
        """;

    public static void Map(WebApplication app) => app.MapGet("/api/metrics/soc", async (
        string? from, string? to, NpgsqlDataSource db, TimeProvider clock, CancellationToken ct) =>
    {
        if (SocRange.Read(from, to, clock.GetUtcNow()) is not (var start, var end))
        {
            return Problems.BadRequest(
                $"from and to are ISO-8601 times from {SocRange.Earliest:yyyy-MM-dd} to {SocRange.Latest:yyyy-MM-dd}, with from before to.");
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(connection);
        Add(batch, $"""
            {Rows} select count(*),
              avg(extract(epoch from acknowledged - opened)),
              avg(extract(epoch from contained - opened)),
              avg(extract(epoch from recovered - opened)),
              count(*) filter (where contained is not null and automated),
              count(*) filter (where contained is not null and not automated)
            from r where opened >= @from and opened < @to
            """, start, end);
        Add(batch, $"{Rows} select status, count(*) from r where opened >= @from and opened < @to group by status", start, end);
        Add(batch, $"{Rows} select severity, count(*) from r where opened >= @from and opened < @to group by severity", start, end);
        Add(batch, $"""
            {Rows} select s, count(*) from r, jsonb_array_elements_text(r.sources) s
            where opened >= @from and opened < @to group by s
            """, start, end);

        await using var reader = await batch.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var total = reader.GetInt64(0);
        double? Mean(int i) => reader.IsDBNull(i) ? null : Math.Round(Convert.ToDouble(reader.GetValue(i), CultureInfo.InvariantCulture), 1);
        var (mtta, mttc, mttr) = (Mean(1), Mean(2), Mean(3));
        var containment = new Containment(reader.GetInt64(4), reader.GetInt64(5));

        await reader.NextResultAsync(ct);
        var byStatus = await CountsAsync(reader, Word<IncidentStatus>, ct);
        await reader.NextResultAsync(ct);
        var bySeverity = await CountsAsync(reader, Word<Severity>, ct);
        await reader.NextResultAsync(ct);
        var bySource = await CountsAsync(reader, s => s, ct);

        return Results.Ok(new Answer(start, end, total, mtta, mttc, mttr, byStatus, bySeverity, bySource, containment));
    }).RequireAuthorization(Roles.Viewer).WithTags("Metrics").Produces<Answer>().ProducesProblem(400);

    private static void Add(NpgsqlBatch batch, string sql, DateTimeOffset from, DateTimeOffset to)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddWithValue("from", from);
        command.Parameters.AddWithValue("to", to);
        batch.BatchCommands.Add(command);
    }

    private static async Task<Dictionary<string, long>> CountsAsync(NpgsqlDataReader reader, Func<string, string> name, CancellationToken ct)
    {
        var counts = new Dictionary<string, long>();
        while (await reader.ReadAsync(ct))
        {
            counts[name(reader.GetString(0))] = reader.GetInt64(1);
        }

        return counts;
    }

    // Stored enum names (Acknowledged) become the contract's words (acknowledged).
    private static string Word<T>(string stored) where T : struct, Enum =>
        Enum.TryParse<T>(stored, out var value) ? EnumWords.Word(value) : stored.ToLowerInvariant();
}
