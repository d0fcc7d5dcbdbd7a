using System.Xml;

namespace Respond.Domain.Playbooks.Definitions;

/// <summary>ISO-8601 durations (<c>PT30M</c>, <c>P1D</c>), as settings and playbooks write them.</summary>
public static class IsoDuration
{
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text) || !text.TrimStart('-').StartsWith('P'))
        {
            return false;
        }

        try
        {
            duration = XmlConvert.ToTimeSpan(text.Trim());
            return duration >= TimeSpan.Zero;
        }
        catch (FormatException)
        {
            return false;
        }
        catch (OverflowException)
        {
            return false;
        }
    }

    public static TimeSpan? Parse(string? text) => TryParse(text, out var d) ? d : null;

    public static string Format(TimeSpan duration) => XmlConvert.ToString(duration);
}
