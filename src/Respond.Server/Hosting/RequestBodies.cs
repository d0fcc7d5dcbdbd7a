using System.Text.Json;

namespace Respond.Server.Hosting;

/// <summary>
/// How every route that takes a JSON document reads it: by content type, never more than a cap, and
/// with text PostgreSQL's jsonb cannot hold made storable (<see cref="ReplaceUnstorableEscapes"/>).
/// </summary>
public static class RequestBodies
{
    /// <summary>SPEC §2: bodies over 1 MiB are refused (413).</summary>
    public const int MaxBytes = 1024 * 1024;

    /// <summary><c>application/json</c> or any <c>+json</c> type.</summary>
    public static bool IsJson(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType) || !Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media))
        {
            return false;
        }

        var type = media.MediaType.Value ?? "";
        return type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || type.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// The body's bytes, or null when it is longer than <paramref name="maxBytes"/>. Reads at most one
    /// chunk past the limit, so a chunked body without Content-Length is capped too.
    /// </summary>
    public static async Task<byte[]?> ReadCappedAsync(Stream body, int maxBytes, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// Rewrites, in place, every <c>\u0000</c> escape and every unpaired surrogate escape inside a JSON
    /// string (keys included) as <c>\ufffd</c>, the same six bytes long. jsonb refuses NUL (22P05) and
    /// System.Text.Json cannot read a lone surrogate as a string; an alert about an attack may carry
    /// such text, so it is kept, visibly replaced, rather than refused. Raw control bytes and other
    /// malformed JSON are left for the parser to refuse. Returns how many escapes were replaced.
    /// </summary>
    public static int ReplaceUnstorableEscapes(Span<byte> json)
    {
        var replaced = 0;
        var inString = false;
        for (var i = 0; i < json.Length; i++)
        {
            var b = json[i];
            if (b == (byte)'"')
            {
                inString = !inString;
            }
            else if (inString && b == (byte)'\\')
            {
                if (!TryReadEscapedUnit(json, i, out var unit))
                {
                    i++; // \" \\ \n …: the escaped byte is never a quote or the start of an escape
                    continue;
                }

                if (char.IsHighSurrogate(unit) && TryReadEscapedUnit(json, i + 6, out var low) && char.IsLowSurrogate(low))
                {
                    i += 11; // a valid pair stays
                    continue;
                }

                if (unit == '\0' || char.IsSurrogate(unit))
                {
                    "\\ufffd"u8.CopyTo(json[i..]);
                    replaced++;
                }

                i += 5;
            }
        }

        return replaced;
    }

    /// <summary>Reads a JSON request body as <typeparamref name="T"/>, its text made storable first.</summary>
    public static async Task<T?> ReadJsonAsync<T>(Stream body, JsonSerializerOptions options, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await body.CopyToAsync(buffer, cancellationToken);
        var bytes = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        ReplaceUnstorableEscapes(bytes.Span);
        return JsonSerializer.Deserialize<T>(bytes.Span, options);
    }

    // A \uXXXX escape at index: the UTF-16 unit it names.
    private static bool TryReadEscapedUnit(ReadOnlySpan<byte> json, int index, out char unit)
    {
        unit = '\0';
        if (index + 5 >= json.Length || json[index] != (byte)'\\' || json[index + 1] != (byte)'u')
        {
            return false;
        }

        var value = 0;
        foreach (var digit in json.Slice(index + 2, 4))
        {
            var nibble = HexValue(digit);
            if (nibble < 0)
            {
                return false;
            }

            value = (value << 4) | nibble;
        }

        unit = (char)value;
        return true;
    }

    private static int HexValue(byte digit) => digit switch
    {
        >= (byte)'0' and <= (byte)'9' => digit - '0',
        >= (byte)'a' and <= (byte)'f' => digit - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => digit - 'A' + 10,
        _ => -1,
    };
}
