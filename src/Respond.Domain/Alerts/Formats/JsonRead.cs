using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Respond.Domain.Alerts.Formats;

/// <summary>
/// Defensive reads over a webhook body. Every method answers "absent" (null or empty) for a value of
/// the wrong JSON type instead of throwing, so a hostile body can only ever fail a parser through the
/// explicit <see cref="AlertFormatException"/>s the parsers raise for their essential fields.
/// </summary>
internal static class JsonRead
{
    public const int MaxTitleLength = 1000;

    /// <summary>The property of an object, matched exactly; null when absent or not an object.</summary>
    public static JsonElement? Prop(JsonElement? obj, string name) =>
        obj is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty(name, out var value) ? value : null;

    /// <summary>
    /// The property of an object, matched ignoring case: Sentinel, Defender for Cloud and its
    /// continuous export spell the same SecurityAlert fields in PascalCase or camelCase.
    /// </summary>
    public static JsonElement? PropIgnoreCase(JsonElement? obj, string name)
    {
        if (obj is not { ValueKind: JsonValueKind.Object } o)
        {
            return null;
        }

        if (o.TryGetProperty(name, out var exact))
        {
            return exact;
        }

        foreach (var property in o.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value;
            }
        }

        return null;
    }

    public static JsonElement? Object(JsonElement? element) =>
        element is { ValueKind: JsonValueKind.Object } o ? o : null;

    public static JsonElement? Array(JsonElement? element) =>
        element is { ValueKind: JsonValueKind.Array } a ? a : null;

    /// <summary>
    /// A scalar as trimmed text: strings as they are, numbers and booleans as their JSON text
    /// (some senders send <c>"version": 4</c> or numeric ids). Null for anything else or blank.
    /// </summary>
    public static string? Text(JsonElement? element)
    {
        var text = element?.ValueKind switch
        {
            JsonValueKind.String => element.Value.GetString(),
            JsonValueKind.Number => element.Value.GetRawText(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => null,
        };
        return Clean(text);
    }

    /// <summary>Trimmed, or null when blank.</summary>
    public static string? Clean(string? text)
    {
        var trimmed = text?.Trim();
        return string.IsNullOrEmpty(trimmed) ? null : trimmed;
    }

    /// <summary>The scalar items of an array as trimmed text; a lone scalar counts as a one-item list.</summary>
    public static List<string> Texts(JsonElement? element)
    {
        var result = new List<string>();
        if (element is { ValueKind: JsonValueKind.Array } array)
        {
            foreach (var item in array.EnumerateArray())
            {
                if (Text(item) is { } text)
                {
                    result.Add(text);
                }
            }
        }
        else if (Text(element) is { } single)
        {
            result.Add(single);
        }

        return result;
    }

    /// <summary>
    /// An object's scalar members as a string map (Prometheus labels, annotations, custom properties).
    /// Keys keep their spelling; values are trimmed; blank values and nested objects are dropped.
    /// </summary>
    public static Dictionary<string, string> TextMap(JsonElement? element)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (element is { ValueKind: JsonValueKind.Object } obj)
        {
            foreach (var property in obj.EnumerateObject())
            {
                if (Text(property.Value) is { } value)
                {
                    map[property.Name] = value;
                }
            }
        }

        return map;
    }

    /// <summary>
    /// An ISO-8601 time, UTC when the text has no offset. Unparseable text is null rather than an
    /// error (a bad timestamp should not cost the alert), and so is Go's zero time
    /// <c>0001-01-01T00:00:00Z</c>, which Alertmanager sends as "no end yet".
    /// </summary>
    public static DateTimeOffset? Time(string? text)
    {
        if (text is null || text.Length > 64)
        {
            return null;
        }

        if (!DateTimeOffset.TryParse(
                text,
                CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces,
                out var time))
        {
            return null;
        }

        return time.UtcDateTime.Year <= 1 ? null : time.ToUniversalTime();
    }

    /// <summary>A time in one canonical spelling, so the same instant always builds the same key.</summary>
    public static string Canonical(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    /// <summary>Titles are shown in lists and notifications; longer ones are cut at 1,000 characters.</summary>
    public static string Title(string title)
    {
        if (title.Length <= MaxTitleLength)
        {
            return title;
        }

        // Do not leave half a surrogate pair at the cut.
        var length = char.IsHighSurrogate(title[MaxTitleLength - 1]) ? MaxTitleLength - 1 : MaxTitleLength;
        return title[..length];
    }

    /// <summary>
    /// An IP address in canonical spelling, or null. IPv4 needs all four parts: .NET would otherwise
    /// read a bare number such as "10" as 0.0.0.10, and label values are often bare numbers.
    /// </summary>
    public static string? Ip(string? text)
    {
        if (text is null || text.Length > 64 || !IPAddress.TryParse(text, out var address))
        {
            return null;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork && text.Count(c => c == '.') != 3)
        {
            return null;
        }

        return address.ToString();
    }

    /// <summary>
    /// A JSON value that some exports carry as a string holding JSON (Log Analytics' SecurityAlert
    /// table stores <c>Entities</c> and <c>ExtendedProperties</c> that way). Returns the value itself
    /// when it is not a string, the parsed value when it is one, and null when the string is not JSON.
    /// </summary>
    public static JsonElement? Embedded(JsonElement? element)
    {
        if (element is not { ValueKind: JsonValueKind.String } s)
        {
            return element;
        }

        var text = s.GetString();
        if (string.IsNullOrWhiteSpace(text) || text.TrimStart()[0] is not ('[' or '{'))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The JSON type as a word for error messages.</summary>
    public static string Describe(JsonElement? element) => element?.ValueKind switch
    {
        null or JsonValueKind.Undefined => "missing",
        JsonValueKind.Null => "null",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        _ => "a boolean",
    };

    /// <summary>The body must be a JSON object for every kind; anything else is refused up front.</summary>
    public static JsonElement RequireObject(JsonElement body, string kind) =>
        body.ValueKind == JsonValueKind.Object
            ? body
            : throw new AlertFormatException($"A {kind} alert body must be a JSON object, but it is {Describe(body)}.");
}

/// <summary>Collecting entity values that may be absent.</summary>
internal static class ListExtensions
{
    public static void AddIfPresent(this List<string> list, string? value)
    {
        if (value is not null)
        {
            list.Add(value);
        }
    }
}
