using Respond.Domain.Alerts.Formats;
using Respond.Domain.Sources;
using Respond.Server.Auth;
using Respond.Server.Hosting;

namespace Respond.Server.Sources;

/// <summary>
/// <c>POST /api/sources</c>: an admin adds a source. Respond generates its token or signing secret and answers it this once
/// (201); the source takes deliveries at once, on every node. A name that is taken is 409, even when two adds race.
/// </summary>
public static class AddSourceEndpoint
{
    public sealed record Body(string? Name, string? Kind, string? Auth, MappingBody? Mapping);

    /// <summary>The shape of a configured generic source's <c>Mapping</c> section, in the API's camelCase.</summary>
    public sealed record MappingBody(string? Title, string? Severity, string? Fingerprint, string? Category, string? Description,
        string? Status, EntitiesBody? Entities)
    {
        public GenericMapping ToMapping() => new()
        {
            Title = Title,
            Severity = Severity,
            Fingerprint = Fingerprint,
            Category = Category,
            Description = Description,
            Status = Status,
            Hosts = Entities?.Hosts,
            Accounts = Entities?.Accounts,
            Ips = Entities?.Ips,
            Resources = Entities?.Resources,
        };
    }

    public sealed record EntitiesBody(string? Hosts, string? Accounts, string? Ips, string? Resources);

    public static void Map(RouteGroupBuilder group) => group.MapPost("/", async (HttpContext context, SourceChanges changes, TimeProvider clock,
        CancellationToken ct) =>
    {
        var (body, error) = await CommandBodies.ReadAsync<Body>(context.Request, ct);
        if (error is not null)
        {
            return error;
        }

        try
        {
            var issued = await changes.AddAsync(new AddSource(body?.Name, body?.Kind, body?.Auth, body?.Mapping?.ToMapping(),
                changes.IsTaken(body?.Name), context.User.Actor(), clock.GetUtcNow()), ct);
            return SourceAnswers.Secret(context, issued, StatusCodes.Status201Created);
        }
        catch (Exception ex) when (SourceAnswers.Refusal(ex) is { } refusal)
        {
            return refusal;
        }
    }).RequireAuthorization(Roles.Admin)
        .Produces<SourceAnswers.TokenIssued>(StatusCodes.Status201Created)
        .Produces<SourceAnswers.SigningSecretIssued>(StatusCodes.Status201Created)
        .ProducesProblem(400).ProducesProblem(409).ProducesProblem(413).ProducesProblem(415);
}
