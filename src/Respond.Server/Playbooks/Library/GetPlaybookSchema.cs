using System.Text;
using Respond.Server.Auth;

namespace Respond.Server.Playbooks.Library;

/// <summary><c>GET /api/playbooks/schema</c>: the JSON Schema of the playbook format, byte for byte the repository's file.</summary>
public static class GetPlaybookSchema
{
    public static void Map(RouteGroupBuilder group) => group.MapGet("/schema", () =>
        Results.Text(PlaybookSchema.Json, PlaybookSchema.MediaType, Encoding.UTF8))
        .RequireAuthorization(Roles.Viewer).Produces<string>(contentType: PlaybookSchema.MediaType);
}
