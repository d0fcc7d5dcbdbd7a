using Respond.Server.Auth;
using Respond.Server.Hosting;

namespace Respond.Server.Playbooks.Library;

/// <summary><c>POST /api/playbooks/validate</c>: every error the playbook in the body has, without saving anything.</summary>
public static class ValidatePlaybook
{
    public static void Map(RouteGroupBuilder group) => group.MapPost("/validate", async (
        HttpContext context, PlaybookChecker checker, CancellationToken ct) =>
    {
        var (text, refusal) = await PlaybookRequests.ReadBodyAsync(context.Request, ct);
        if (refusal is not null)
        {
            return refusal;
        }

        if (text is null)
        {
            return Problems.BadRequest("Send the playbook's JSON as the body.");
        }

        try
        {
            var check = await checker.CheckAsync(text, ct);
            return Results.Ok(new ValidationAnswer(check.Valid, check.Errors));
        }
        catch (MalformedPlaybookException ex)
        {
            return PlaybookRequests.Malformed(ex);
        }
    }).RequireAuthorization(Roles.Author).Produces<ValidationAnswer>().ProducesProblem(400).ProducesProblem(413).ProducesProblem(415);
}
