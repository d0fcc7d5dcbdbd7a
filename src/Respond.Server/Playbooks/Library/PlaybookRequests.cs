using System.Text;
using System.Text.RegularExpressions;
using Respond.Domain.Playbooks.Definitions;
using Respond.Server.Hosting;

namespace Respond.Server.Playbooks.Library;

/// <summary>What the library's write routes share: reading a playbook body, and the refusals.</summary>
public static partial class PlaybookRequests
{
    public const int MaxBodyBytes = RequestBodies.MaxBytes;

    /// <summary>A refusal when the route's id could never be a playbook's, so nothing is stored under it.</summary>
    public static IResult? RouteIdProblem(string id) =>
        !IdPattern().IsMatch(id) ? Problems.BadRequest($"'{id}' is not a playbook id: 1-100 lower-case letters, digits or dashes.")
        : PlaybookChecker.ReservedIds.Contains(id) ? Problems.BadRequest($"'{id}' is reserved by the API's own routes.")
        : null;

    /// <summary>
    /// The body as text, or null when there is none. Refuses a body that is not JSON by its content type
    /// (415), over <see cref="MaxBodyBytes"/> (413, also when chunked) or not UTF-8 (400).
    /// </summary>
    public static async Task<(string? Text, IResult? Refusal)> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return (null, TooLarge());
        }

        if (await RequestBodies.ReadCappedAsync(request.Body, MaxBodyBytes, ct) is not { } bytes)
        {
            return (null, TooLarge());
        }

        if (bytes.Length == 0)
        {
            return (null, null);
        }

        if (!RequestBodies.IsJson(request.ContentType))
        {
            return (null, Problems.Status(StatusCodes.Status415UnsupportedMediaType, "The body must be JSON.",
                "Send the playbook with Content-Type: application/json."));
        }

        RequestBodies.ReplaceUnstorableEscapes(bytes);
        try
        {
            return (new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes), null);
        }
        catch (DecoderFallbackException)
        {
            return (null, Problems.BadRequest("The body is not UTF-8 text."));
        }
    }

    /// <summary>Checks a body that claims to be playbook <paramref name="id"/>: a refusal when it is not JSON or names another id.</summary>
    public static async Task<(PlaybookCheck? Check, IResult? Refusal)> CheckAsync(string id, string text, PlaybookChecker checker,
        CancellationToken ct)
    {
        PlaybookCheck check;
        try
        {
            check = await checker.CheckAsync(text, ct);
        }
        catch (MalformedPlaybookException ex)
        {
            return (null, Malformed(ex));
        }

        return check.DeclaredId == id ? (check, null) : (null, IdMismatch(id, check.DeclaredId));
    }

    public static IResult Malformed(MalformedPlaybookException exception) =>
        Problems.Status(StatusCodes.Status400BadRequest, "The body is not a playbook.", exception.Message);

    public static IResult IdMismatch(string routeId, string? bodyId) => Problems.BadRequest(bodyId is null
        ? $"The body has no id; it must be \"{routeId}\", the id in the route."
        : $"The body's id \"{bodyId}\" is not \"{routeId}\", the id in the route.");

    /// <summary>SPEC §8: a problem document listing every error, each with its step.</summary>
    public static IResult Invalid(IReadOnlyList<ValidationError> errors, string what) =>
        Problems.Status(StatusCodes.Status400BadRequest, "The playbook is not valid.",
            $"{errors.Count} {(errors.Count == 1 ? "error" : "errors")}; {what}",
            new Dictionary<string, object?> { ["errors"] = errors });

    private static IResult TooLarge() => Problems.Status(StatusCodes.Status413PayloadTooLarge, "The body is too large.",
        $"A playbook may be at most {MaxBodyBytes} bytes.");

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,99}$")]
    private static partial Regex IdPattern();
}
