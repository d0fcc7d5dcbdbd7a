using Respond.Domain.Sources;
using Respond.Server.Hosting;

namespace Respond.Server.Sources;

/// <summary>What the source routes answer, and how their refusals read.</summary>
public static class SourceAnswers
{
    public sealed record TokenIssued(string Name, string Kind, string WebhookPath, string Token);

    public sealed record SigningSecretIssued(string Name, string Kind, string WebhookPath, string SigningSecret);

    public static string WebhookPath(string name) => $"/api/webhooks/{Uri.EscapeDataString(name)}";

    /// <summary>The new secret, this once: never cached by a browser or proxy.</summary>
    public static IResult Secret(HttpContext context, SourceChanges.Issued issued, int status)
    {
        context.Response.Headers.CacheControl = "no-store";
        object answer = issued.Auth == SourceAuth.Token
            ? new TokenIssued(issued.Name, issued.Kind, WebhookPath(issued.Name), issued.Secret)
            : new SigningSecretIssued(issued.Name, issued.Kind, WebhookPath(issued.Name), issued.Secret);
        return Results.Json(answer, JsonConventions.Api, statusCode: status);
    }

    /// <summary>A refusal of the domain, or a lost race, as a problem; null for anything else (which is not ours to answer).</summary>
    public static IResult? Refusal(Exception exception) => exception switch
    {
        SourceFieldException e => Problems.Status(StatusCodes.Status400BadRequest, "The request is not valid.", e.Message,
            new Dictionary<string, object?> { ["field"] = e.Field }),
        SourceConflictException e => Problems.Status(StatusCodes.Status409Conflict, "The source's name or origin forbids this.", e.Message),
        SourceNotFoundException e => Problems.NotFound(e.Message),
        _ when SourceChanges.IsLostRace(exception) => Problems.Status(StatusCodes.Status409Conflict,
            "Another change to this source was saved first.", "Nothing was changed. Read the sources again and retry if still needed."),
        _ => null,
    };
}
