using Cronos;

namespace Respond.Server.Runbooks;

/// <summary>
/// The slot a firing belongs to: the latest occurrence of the cron at or before the moment Hangfire created the job. Every process
/// that fires the same slot, and every retry of one firing, computes the same slot, so they start one run between them.
/// </summary>
public static class CronSlots
{
    // Nodes' clocks differ a little: a job created a moment before its slot by another node's clock still belongs to it.
    private static readonly TimeSpan Skew = TimeSpan.FromSeconds(2);

    public static DateTimeOffset? Latest(string cron, string timeZone, DateTimeOffset at) =>
        Parse(cron).GetPreviousOccurrence(at + Skew, TimeZoneInfo.FindSystemTimeZoneById(timeZone), inclusive: true);

    public static DateTimeOffset? Next(string cron, string timeZone, DateTimeOffset after) =>
        Parse(cron).GetNextOccurrence(after, TimeZoneInfo.FindSystemTimeZoneById(timeZone));

    private static CronExpression Parse(string cron)
    {
        var text = cron.Trim();
        var fields = text.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).Length;
        return CronExpression.Parse(text, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
    }
}
