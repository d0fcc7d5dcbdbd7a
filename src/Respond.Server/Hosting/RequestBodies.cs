namespace Respond.Server.Hosting;

/// <summary>How every route that takes a JSON document reads it: by content type, and never more than a cap.</summary>
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
}
