using System.Globalization;

namespace Respond.Server.Metrics;

/// <summary>The [from, to) range both metrics routes read the same way: ISO-8601, default the last 30 days.</summary>
public static class SocRange
{
    // Times outside these bounds mean nothing here, and the default window (to - 30 days) must not overflow.
    public static readonly DateTimeOffset Earliest = new(1970, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset Latest = new(9999, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The range, or null when a time does not parse, falls outside the calendar, or from is not before to.</summary>
    public static (DateTimeOffset From, DateTimeOffset To)? Read(string? from, string? to, DateTimeOffset now)
    {
        if (!TryTime(to, now, out var end) || !InCalendar(end) || !TryTime(from, end.AddDays(-30), out var start) || !InCalendar(start)
            || start >= end)
        {
            return null;
        }

        return (start, end);
    }

    private static bool InCalendar(DateTimeOffset time) => time >= Earliest && time <= Latest;

    private static bool TryTime(string? text, DateTimeOffset fallback, out DateTimeOffset value)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            value = fallback;
            return true;
        }

        var ok = DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value);
        value = value.ToUniversalTime();
        return ok;
    }
}
