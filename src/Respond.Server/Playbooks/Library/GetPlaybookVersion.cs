using Marten;
using Respond.Server.Auth;
using Respond.Server.Hosting;

namespace Respond.Server.Playbooks.Library;

/// <summary><c>GET /api/playbooks/{id}/versions/{version}</c>: one published version, as a run pinned it.</summary>
public static class GetPlaybookVersion
{
    public static void Map(RouteGroupBuilder group) => group.MapGet("/{id}/versions/{version:int}", async (
        string id, int version, IQuerySession session, CancellationToken ct) =>
        await session.LoadAsync<PlaybookVersionRecord>(PlaybookVersionRecord.IdOf(id, version), ct) is { } record
            ? Results.Ok(PlaybookVersionView.Of(record))
            : Problems.NotFound($"Playbook '{id}' has no version {version}."))
        .RequireAuthorization(Roles.Viewer).Produces<PlaybookVersionView>().ProducesProblem(404);
}
