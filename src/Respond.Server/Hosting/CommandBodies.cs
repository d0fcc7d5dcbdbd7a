using System.Text.Json;

namespace Respond.Server.Hosting;

/// <summary>The optional JSON body of a command (incident, run, approval): one reading rule for all of them.</summary>
public static class CommandBodies
{
    /// <summary>
    /// Reads an optional JSON body: none, empty or <c>{}</c> all mean "nothing needed". Any other body is JSON
    /// (415), at most <see cref="RequestBodies.MaxBytes"/> (413), and of the command's shape (400).
    /// </summary>
    public static async Task<(TBody? Body, IResult? Error)> ReadAsync<TBody>(HttpRequest request, CancellationToken ct)
        where TBody : class
    {
        if (request.ContentLength == 0 || (request.ContentLength is null && !request.Headers.TransferEncoding.Any()))
        {
            return (null, null);
        }

        if (request.ContentLength > RequestBodies.MaxBytes
            || await RequestBodies.ReadCappedAsync(request.Body, RequestBodies.MaxBytes, ct) is not { } bytes)
        {
            return (null, Problems.Status(StatusCodes.Status413PayloadTooLarge, "The body is too large.",
                $"A command body may be at most {RequestBodies.MaxBytes} bytes."));
        }

        if (bytes.Length == 0)
        {
            return (null, null);
        }

        if (!RequestBodies.IsJson(request.ContentType))
        {
            return (null, Problems.Status(StatusCodes.Status415UnsupportedMediaType, "The body must be JSON.",
                "Send Content-Type: application/json."));
        }

        try
        {
            RequestBodies.ReplaceUnstorableEscapes(bytes);
            return (JsonSerializer.Deserialize<TBody>(bytes, JsonConventions.Api), null);
        }
        catch (JsonException ex)
        {
            return (null, Problems.BadRequest($"The body is not valid JSON for this command: {ex.Message}"));
        }
    }

    /// <summary>Free text of a command (a reason, a comment): trimmed, at most 2,000 characters, null when blank.</summary>
    public static string? Trimmed(string? text) => text?.Trim() is { Length: > 0 } t ? (t.Length > 2000 ? t[..2000] : t) : null;
}
