using System.Text.Json.Nodes;
using Marten;
using Respond.Server.Auth;
using Respond.Server.Hosting;

namespace Respond.Server.Playbooks.Library;

/// <summary><c>GET /api/playbooks/{id}</c>: the latest published definition and its version, and the draft if one waits.</summary>
public static class GetPlaybook
{
    public sealed record Answer(
        string Id,
        string Name,
        int? Version,
        JsonObject? Definition,
        string? ContentHash,
        DateTimeOffset? PublishedAt,
        string? PublishedBy,
        string? Source,
        PlaybookDraftView? Draft);

    public static void Map(RouteGroupBuilder group) => group.MapGet("/{id}", async (string id, IQuerySession session, CancellationToken ct) =>
    {
        if (await session.LoadAsync<PlaybookHead>(id, ct) is not { } head)
        {
            return Problems.NotFound($"No playbook '{id}'.");
        }

        var latest = head.LatestVersion > 0
            ? await session.LoadAsync<PlaybookVersionRecord>(PlaybookVersionRecord.IdOf(id, head.LatestVersion), ct)
            : null;
        var draft = await session.LoadAsync<PlaybookDraft>(id, ct);
        return Results.Ok(new Answer(id, head.Name, latest?.Version, latest?.Definition, latest?.ContentHash, latest?.PublishedAt,
            latest?.PublishedBy, latest?.Source, draft is null ? null : PlaybookDraftView.Of(draft)));
    }).RequireAuthorization(Roles.Viewer).Produces<Answer>().ProducesProblem(404);
}
