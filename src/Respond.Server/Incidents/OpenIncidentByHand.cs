using Marten;
using Respond.Domain.Common;
using Respond.Domain.Incidents;
using Respond.Server.Auth;
using Respond.Server.Hosting;

namespace Respond.Server.Incidents;

/// <summary><c>POST /api/incidents</c>: a responder opens an incident that no alert raised.</summary>
public static class OpenIncidentByHand
{
    public sealed record Body(string? Title, Severity? Severity, string? Description);

    public static void Map(RouteGroupBuilder group) => group.MapPost("/", async (
        HttpContext context, IDocumentSession session, TimeProvider clock, CancellationToken ct) =>
    {
        var (body, error) = await CommandBodies.ReadAsync<Body>(context.Request, ct);
        if (error is not null)
        {
            return error;
        }

        try
        {
            var opened = IncidentDecider.Decide(new OpenIncident(
                Guid.CreateVersion7(), body?.Title ?? "", body?.Severity ?? Severity.Medium, body?.Description,
                context.User.Actor(), clock.GetUtcNow()));
            session.Events.StartStream<Incident>(opened.IncidentId, opened);
            await session.SaveChangesAsync(ct);
            return Results.Created($"/api/incidents/{opened.IncidentId}", new CommandAnswer(opened.IncidentId, 1));
        }
        catch (InvalidCommandException ex)
        {
            return Problems.BadRequest(ex.Message);
        }
    }).RequireAuthorization(Roles.Responder).Produces<CommandAnswer>(StatusCodes.Status201Created).ProducesProblem(400);
}
