using System.Globalization;
using Npgsql;
using NpgsqlTypes;
using Respond.Server.Auth;
using Respond.Server.Hosting;

namespace Respond.Server.Metrics;

/// <summary>
/// <c>GET /api/metrics/soc/trend?from=&amp;to=&amp;interval=hour|day</c>: MTTA, MTTC and MTTR per bucket of incidents opened in
/// [from, to), buckets counted from <c>from</c>, every bucket present (null means when none reached that milestone). Each
/// point also counts the incidents behind its means, so the buckets add up to <c>GET /api/metrics/soc</c> for the same range.
/// </summary>
public static class GetSocTrend
{
    public const int MaxBuckets = 2000;

    public sealed record Point(
        DateTimeOffset At, double? Mtta, double? Mttc, double? Mttr, long Opened, long Acknowledged, long Contained, long Recovered);

    public sealed record Answer(DateTimeOffset From, DateTimeOffset To, string Interval, IReadOnlyList<Point> Points);

    // One statement: the buckets from generate_series, the incidents binned by date_bin from the same origin, a left join so
    // a bucket with no incident is still a point. Milestones are read as GetSocMetrics reads them, so the two never disagree.
    private const string Sql = """
        with r as (
          select (data->>'openedAt')::timestamptz as opened,
                 (data->>'acknowledgedAt')::timestamptz as acknowledged,
                 (data->>'containedAt')::timestamptz as contained,
                 coalesce((data->>'recoveredAt')::timestamptz, (data->>'closedAt')::timestamptz) as recovered
          from respond.mt_doc_incidentmetricsrow),
        b as (select at from generate_series(@from, @to, @step) at where at < @to),
        binned as (
          select date_bin(@step, opened, @from) as at,
                 count(*) as opened,
                 avg(extract(epoch from acknowledged - opened)) as mtta,
                 avg(extract(epoch from contained - opened)) as mttc,
                 avg(extract(epoch from recovered - opened)) as mttr,
                 count(acknowledged) as acknowledged, count(contained) as contained, count(recovered) as recovered
          from r where opened >= @from and opened < @to group by 1)
        select b.at, binned.mtta, binned.mttc, binned.mttr, coalesce(binned.opened, 0),
               coalesce(binned.acknowledged, 0), coalesce(binned.contained, 0), coalesce(binned.recovered, 0)
        from b left join binned on binned.at = b.at order by b.at
        """;

    public static void Map(WebApplication app) => app.MapGet("/api/metrics/soc/trend", async (
        string? from, string? to, string? interval, NpgsqlDataSource db, TimeProvider clock, CancellationToken ct) =>
    {
        if (Read(from, to, interval, clock.GetUtcNow()) is not { } range)
        {
            return Problems.BadRequest(
                $"from and to are ISO-8601 times from {SocRange.Earliest:yyyy-MM-dd} to {SocRange.Latest:yyyy-MM-dd}, with from before to; "
                + $"interval is hour or day; at most {MaxBuckets} buckets.");
        }

        var (start, end, word, step) = range;
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand(Sql, connection);
        command.Parameters.AddWithValue("from", start);
        command.Parameters.AddWithValue("to", end);
        command.Parameters.AddWithValue("step", NpgsqlDbType.Interval, step);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var points = new List<Point>();
        while (await reader.ReadAsync(ct))
        {
            double? Mean(int i) => reader.IsDBNull(i) ? null : Math.Round(Convert.ToDouble(reader.GetValue(i), CultureInfo.InvariantCulture), 1);
            points.Add(new Point(reader.GetFieldValue<DateTimeOffset>(0), Mean(1), Mean(2), Mean(3),
                reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7)));
        }

        return Results.Ok(new Answer(start, end, word, points));
    }).RequireAuthorization(Roles.Viewer).WithTags("Metrics").Produces<Answer>().ProducesProblem(400);

    private static (DateTimeOffset From, DateTimeOffset To, string Interval, TimeSpan Step)? Read(
        string? from, string? to, string? interval, DateTimeOffset now)
    {
        var (word, step) = (interval?.Trim().ToLowerInvariant() ?? "day") switch
        {
            "hour" => ("hour", TimeSpan.FromHours(1)),
            "day" => ("day", TimeSpan.FromDays(1)),
            _ => ("", TimeSpan.Zero),
        };
        if (step == TimeSpan.Zero || SocRange.Read(from, to, now) is not { } range)
        {
            return null;
        }

        // Counted before any query runs: a year of hours would be a chart nobody can read and a query nobody asked for.
        var buckets = Math.Ceiling((range.To - range.From) / step);
        return buckets > MaxBuckets ? null : (range.From, range.To, word, step);
    }
}
