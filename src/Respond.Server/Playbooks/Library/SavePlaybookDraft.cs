using Marten;
using Respond.Server.Auth;
using Respond.Server.Hosting;

namespace Respond.Server.Playbooks.Library;

/// <summary>
/// <c>PUT /api/playbooks/{id}</c>: saves the author's draft as written, valid or not, and answers every
/// error it still has. Only text that is not JSON, or names another id, is refused.
/// </summary>
public static class SavePlaybookDraft
{
    public static void Map(RouteGroupBuilder group) => group.MapPut("/{id}", async (
        string id, HttpContext context, PlaybookChecker checker, IDocumentStore store, TimeProvider clock, CancellationToken ct) =>
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

        if (text is null)
        {
            return Problems.BadRequest("Send the playbook's JSON as the body.");
        }

        var (check, notAPlaybook) = await PlaybookRequests.CheckAsync(id, text, checker, ct);
        if (check is null)
        {
            return notAPlaybook!;
        }

        var actor = context.User.Identity?.Name ?? "unknown";
        var now = clock.GetUtcNow();
        var created = await WriteConflicts.RetryAsync(async () =>
        {
            await using var session = store.LightweightSession();
            var head = await session.LoadAsync<PlaybookHead>(id, ct);
            var replaced = await session.LoadAsync<PlaybookDraft>(id, ct);
            session.Store(new PlaybookDraft { Id = id, Json = text, SavedBy = actor, SavedAt = now, Revision = Guid.NewGuid() });

            var updated = (head ?? new PlaybookHead { Id = id }) with { HasDraft = true, DraftSavedAt = now, UpdatedAt = now };
            if (updated.LatestVersion == 0 && check.Definition is { } definition)
            {
                // Until something is published, the list shows the draft's name and trigger.
                updated = updated.Describing(definition);
            }

            if (head is null)
            {
                session.Insert(updated);
            }
            else
            {
                // Optimistic: a publish of this playbook at the same moment makes one of the two retry.
                session.Store(updated);
            }

            await session.SaveChangesAsync(ct);
            return replaced is null;
        }, ct);

        var answer = new DraftSaved(id, now, actor, check.Valid, check.Errors);
        return created ? Results.Created($"/api/playbooks/{id}", answer) : Results.Ok(answer);
    }).RequireAuthorization(Roles.Author).Produces<DraftSaved>().Produces<DraftSaved>(StatusCodes.Status201Created)
        .ProducesProblem(400).ProducesProblem(413).ProducesProblem(415);
}
