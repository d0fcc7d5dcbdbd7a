using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace Respond.Server.Auth;

/// <summary>
/// Who an OIDC token acts as. The actor id, recorded in events and compared by four eyes, is the token's
/// stable subject: <c>oid</c> (Entra ID's object id, for users and apps alike), else <c>sub</c>, else, for
/// issuers that send neither, <c>preferred_username</c>. Its display name (<c>preferred_username</c>,
/// <c>name</c>, <c>appid</c> or <c>azp</c>) is kept beside it in <see cref="ActorProfile"/> for the timeline.
/// A token naming no one at all is refused: it must never act as a shared "unknown".
/// </summary>
public static class OidcActor
{
    public const string IdClaim = "respond:actor";
    public const string NameClaim = "respond:actor-name";

    public static (string? Id, string? Name) Resolve(ClaimsPrincipal principal)
    {
        string? First(params string[] types) =>
            types.Select(t => principal.FindFirst(t)?.Value).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));

        var id = First("oid", "http://schemas.microsoft.com/identity/claims/objectidentifier", "sub", "preferred_username");
        return (id, First("preferred_username", "name", "appid", "azp") ?? id);
    }

    public static async Task OnTokenValidated(TokenValidatedContext context)
    {
        if (context.Principal?.Identity is not ClaimsIdentity identity)
        {
            return;
        }

        var (id, name) = Resolve(context.Principal);
        if (id is null)
        {
            context.Fail("The token names no subject (oid or sub).");
            return;
        }

        identity.AddClaim(new Claim(IdClaim, id));
        identity.AddClaim(new Claim(NameClaim, name!));
        await context.HttpContext.RequestServices.GetRequiredService<ActorProfiles>().RememberAsync(id, name!, context.HttpContext.RequestAborted);
    }
}
