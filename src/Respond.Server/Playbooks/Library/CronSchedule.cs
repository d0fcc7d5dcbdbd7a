using Cronos;

namespace Respond.Server.Playbooks.Library;

/// <summary>
/// Checks a schedule trigger's cron expression and time zone with Cronos, the parser Hangfire's
/// recurring jobs use: 5 fields, or 6 with seconds first, and macros such as <c>@daily</c>.
/// </summary>
public static class CronSchedule
{
    /// <summary>Null when valid; otherwise what is wrong (Cronos names the field), with the expression.</summary>
    public static string? Problem(string cron, string? timeZone)
    {
        if (timeZone is not null && !TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out _))
        {
            return $"timeZone '{timeZone}' is not a known time zone (use an IANA id such as Europe/Amsterdam).";
        }

        var text = cron.Trim();
        var fields = text.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).Length;
        if (!text.StartsWith('@') && fields is not (5 or 6))
        {
            return $"'{text}' has {fields} fields; a cron expression has 5 (minute hour day month weekday), or 6 with seconds first.";
        }

        try
        {
            CronExpression.Parse(text, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
            return null;
        }
        catch (CronFormatException ex)
        {
            return $"{ex.Message.TrimEnd('.')} (cron '{text}').";
        }
    }
}
