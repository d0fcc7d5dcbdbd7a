using Respond.Domain.Sources;
using Respond.Server.Auth;
using Respond.Server.Hosting;

namespace Respond.Server.Sources;

/// <summary><c>POST /api/sources/{name}/rotate</c>: a new secret, answered once; the old one stops working on every node.</summary>
public static class RotateSourceSecretEndpoint
{
    public static void Map(RouteGroupBuilder group) => group.MapPost("/{name}/rotate", async (string name, HttpContext context,
        SourceChanges changes, TimeProvider clock, CancellationToken ct) =>
    {
        try
        {
            var issued = await changes.RotateAsync(new RotateSourceSecret(name, changes.IsTaken(name), context.User.Actor(),
                clock.GetUtcNow()), ct);
            return SourceAnswers.Secret(context, issued, StatusCodes.Status200OK);
        }
        catch (Exception ex) when (SourceAnswers.Refusal(ex) is { } refusal)
        {
            return refusal;
        }
    }).RequireAuthorization(Roles.Admin)
        .Produces<SourceAnswers.TokenIssued>().Produces<SourceAnswers.SigningSecretIssued>()
        .ProducesProblem(404).ProducesProblem(409);
}
