using System.Text.Json;
using Marten;
using Respond.Server.Auth;
using Respond.Server.Hosting;

namespace Respond.Server.Playbooks.Library;

/// <summary>
/// <c>POST /api/playbooks/{id}/publish</c>: publishes the draft, or the playbook in the body, as the next
/// immutable version. Invalid content is 400 with every error and stores nothing; content equal to the
/// latest version answers that version (200) instead of a new one (201).
/// </summary>
public static class PublishPlaybook
{
    public static void Map(RouteGroupBuilder group) => group.MapPost("/{id}/publish", async (
        string id, HttpContext context, PlaybookChecker checker, PlaybookPublisher publisher, IQuerySession query, CancellationToken ct) =>
    {
        if (PlaybookRequests.RouteIdProblem(id) is { } badId)
        {
            return badId;
        }

        var (text, refusal) = await PlaybookRequests.ReadBodyAsync(context.Request, ct);
        if (refusal is not null)
        {
            return refusal;
        }

        Guid? draftRevision = null;
        if (text is null || IsEmptyObject(text))
        {
            // SPEC §8: an empty body or {} means "nothing given": publish the draft.
            if (await query.LoadAsync<PlaybookDraft>(id, ct) is not { } draft)
            {
                return Problems.NotFound($"Playbook '{id}' has no draft to publish. Save one with PUT /api/playbooks/{id}, or send the playbook " +
                    "as the body.");
            }

            text = draft.Json;
            draftRevision = draft.Revision;
        }

        var (check, notAPlaybook) = await PlaybookRequests.CheckAsync(id, text, checker, ct);
        if (check is null)
        {
            return notAPlaybook!;
        }

        if (!check.Valid)
        {
            return PlaybookRequests.Invalid(check.Errors, "nothing was published.");
        }

        var actor = context.User.Identity?.Name ?? "unknown";
        var outcome = await publisher.PublishAsync(check.Definition!, PlaybookSources.Api, actor, draftRevision, ct);
        var answer = new PublishAnswer(id, outcome.Version);
        return outcome.Created ? Results.Created($"/api/playbooks/{id}/versions/{outcome.Version}", answer) : Results.Ok(answer);
    }).RequireAuthorization(Roles.Author).Produces<PublishAnswer>().Produces<PublishAnswer>(StatusCodes.Status201Created)
        .ProducesProblem(400).ProducesProblem(404).ProducesProblem(413).ProducesProblem(415);

    private static bool IsEmptyObject(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement is { ValueKind: JsonValueKind.Object } root && !root.EnumerateObject().Any();
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
