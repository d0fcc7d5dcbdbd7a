using System.Globalization;

namespace Respond.Server.Playbooks.Library;

/// <summary>
/// Checks a schedule trigger's cron expression and time zone. A plain field check (5 fields, or 6 with
/// seconds first, as Cronos reads them), kept behind this one method so Cronos can replace it once the
/// server references that package.
/// </summary>
public static class CronSchedule
{
    private static readonly string[] Macros =
        ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly", "@every_minute", "@every_second"];

    private static readonly string[] MonthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
    private static readonly string[] DayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

    private sealed record Field(string Name, int Min, int Max, string[]? Names = null, bool DayField = false);

    private static readonly Field[] FiveFields =
    [
        new("minute", 0, 59),
        new("hour", 0, 23),
        new("day of month", 1, 31, DayField: true),
        new("month", 1, 12, MonthNames),
        new("day of week", 0, 7, DayNames, DayField: true),
    ];

    /// <summary>Null when valid; otherwise what is wrong, in one sentence.</summary>
    public static string? Problem(string cron, string? timeZone)
    {
        if (timeZone is not null && !TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out _))
        {
            return $"timeZone '{timeZone}' is not a known time zone (use an IANA id such as Europe/Amsterdam).";
        }

        var text = cron.Trim();
        if (text.StartsWith('@'))
        {
            return Macros.Contains(text, StringComparer.OrdinalIgnoreCase) ? null : $"'{text}' is not one of {string.Join(", ", Macros)}.";
        }

        var parts = text.Split(' ', '\t');
        parts = [.. parts.Where(p => p.Length > 0)];
        Field[] fields = parts.Length switch
        {
            5 => FiveFields,
            6 => [new("second", 0, 59), .. FiveFields],
            _ => [],
        };
        if (fields.Length == 0)
        {
            return $"'{text}' has {parts.Length} fields; a cron expression has 5 (minute hour day month weekday), or 6 with seconds first.";
        }

        for (var i = 0; i < fields.Length; i++)
        {
            if (FieldProblem(parts[i], fields[i]) is { } problem)
            {
                return $"'{parts[i]}' is not a valid {fields[i].Name} field: {problem}";
            }
        }

        return null;
    }

    private static string? FieldProblem(string text, Field field)
    {
        foreach (var item in text.Split(','))
        {
            var (range, step) = item.Split('/') switch
            {
                [var r] => (r, null),
                [var r, var s] => (r, s),
                _ => ("", "/"),
            };
            if (step is not null && (!int.TryParse(step, NumberStyles.None, CultureInfo.InvariantCulture, out var every) || every < 1))
            {
                return "a step after / is a whole number of at least 1.";
            }

            if (range is "*" || (range is "?" && field.DayField) || (field.DayField && IsDaySpecial(range)))
            {
                continue;
            }

            var bounds = range.Split('-');
            if (bounds.Length is < 1 or > 2 || bounds.Any(b => Value(b, field) is null))
            {
                return $"use *, numbers {field.Min}-{field.Max}{(field.Names is null ? "" : " or names")}, ranges a-b, lists a,b and steps /n.";
            }
        }

        return null;
    }

    // L (last), W (nearest weekday), # (nth weekday of the month): accepted loosely in the day fields.
    private static bool IsDaySpecial(string range) =>
        range.Length > 0 && range.Any(c => c is 'L' or 'W' or '#') && range.All(c => char.IsAsciiDigit(c) || c is 'L' or 'W' or '#' || char.IsAsciiLetterUpper(c));

    private static int? Value(string text, Field field)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return number >= field.Min && number <= field.Max ? number : null;
        }

        var index = field.Names is null ? -1 : Array.FindIndex(field.Names, n => n.Equals(text, StringComparison.OrdinalIgnoreCase));
        return index < 0 ? null : index + field.Min;
    }
}
