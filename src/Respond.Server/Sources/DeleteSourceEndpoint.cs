using Respond.Domain.Sources;
using Respond.Server.Auth;
using Respond.Server.Hosting;

namespace Respond.Server.Sources;

/// <summary>
/// <c>DELETE /api/sources/{name}</c>: the source stops taking deliveries on every node (its name then answers like an
/// unknown one); its events stay. A configured source is 409: it belongs to the configuration.
/// </summary>
public static class DeleteSourceEndpoint
{
    public static void Map(RouteGroupBuilder group) => group.MapDelete("/{name}", async (string name, HttpContext context,
        SourceChanges changes, TimeProvider clock, CancellationToken ct) =>
    {
        try
        {
            await changes.DeleteAsync(new DeleteSource(name, changes.IsTaken(name), context.User.Actor(), clock.GetUtcNow()), ct);
            return Results.NoContent();
        }
        catch (Exception ex) when (SourceAnswers.Refusal(ex) is { } refusal)
        {
            return refusal;
        }
    }).RequireAuthorization(Roles.Admin).Produces(StatusCodes.Status204NoContent).ProducesProblem(404).ProducesProblem(409);
}
