using System.Text.Json;

namespace Respond.Domain.Alerts.Formats;

/// <summary>
/// JSON allows an unpaired surrogate escape (<c>"\ud800"</c>), but .NET cannot read it as a string and throws
/// <see cref="InvalidOperationException"/> from deep inside a parser. The server replaces such escapes before
/// parsing; this guard keeps the parsers' promise on their own: a body they cannot read as text is a format error.
/// </summary>
internal sealed class UnicodeGuardedParser(IAlertParser inner) : IAlertParser
{
    public IReadOnlyList<NormalizedAlert> Parse(string source, JsonElement body)
    {
        try
        {
            return inner.Parse(source, body);
        }
        catch (InvalidOperationException) when (HasUnpairedSurrogate(body.GetRawText()))
        {
            throw new AlertFormatException("The body holds text that is not valid Unicode (an unpaired surrogate escape).");
        }
    }

    /// <summary>Whether the JSON text holds a <c>\uD800</c>–<c>\uDFFF</c> escape that is not half of a pair.</summary>
    private static bool HasUnpairedSurrogate(string json)
    {
        // The text is valid JSON (it was parsed), so a backslash always starts an escape inside a string.
        var pendingHigh = false;
        for (var i = 0; i < json.Length; i++)
        {
            if (json[i] != '\\')
            {
                if (pendingHigh)
                {
                    return true;
                }

                continue;
            }

            if (json[i + 1] != 'u')
            {
                if (pendingHigh)
                {
                    return true;
                }

                i++; // \\, \" and the like: the escaped character starts nothing
                continue;
            }

            var unit = Convert.ToUInt16(json.Substring(i + 2, 4), 16);
            var isLow = unit is >= 0xDC00 and <= 0xDFFF;
            if (pendingHigh != isLow)
            {
                return true;
            }

            pendingHigh = unit is >= 0xD800 and <= 0xDBFF;
            i += 5;
        }

        return pendingHigh;
    }
}
