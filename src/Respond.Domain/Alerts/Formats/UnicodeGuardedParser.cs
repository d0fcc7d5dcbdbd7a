using System.Text.Json;

namespace Respond.Domain.Alerts.Formats;

/// <summary>
/// JSON can carry text .NET cannot read as a string: an unpaired surrogate escape (<c>"\ud800"</c>) or bytes that
/// are not UTF-8. Reading it throws <see cref="InvalidOperationException"/> from deep inside a parser. The server
/// cleans or refuses such bodies before parsing; this guard keeps the parsers' promise on their own: a body they
/// cannot read as text is a format error.
/// </summary>
public sealed class UnicodeGuardedParser(IAlertParser inner) : IAlertParser
{
    /// <summary>The kind's own parser.</summary>
    public IAlertParser Inner { get; } = inner;

    public IReadOnlyList<NormalizedAlert> Parse(string source, JsonElement body)
    {
        try
        {
            return Inner.Parse(source, body);
        }
        catch (InvalidOperationException) when (!IsReadableText(body))
        {
            throw new AlertFormatException("The body holds text that is not valid Unicode (bad UTF-8, or an unpaired surrogate escape).");
        }
    }

    /// <summary>Whether every string and property name in the tree can be read.</summary>
    private static bool IsReadableText(JsonElement element)
    {
        try
        {
            return element.ValueKind switch
            {
                JsonValueKind.String => element.GetString() is not null,
                JsonValueKind.Array => element.EnumerateArray().All(IsReadableText),
                JsonValueKind.Object => element.EnumerateObject().All(p => p.Name is not null && IsReadableText(p.Value)),
                _ => true,
            };
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
