using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Authentication;
using Respond.Server.Hosting;

namespace Respond.Server.Auth;

/// <summary>
/// The console's sign-in: trade an API key for an HttpOnly, SameSite=Strict session cookie, backed by a
/// <see cref="SessionRecord"/> so that signing out ends the session on the server too.
/// </summary>
public static class SessionEndpoints
{
    /// <summary>The cookie's claim holding the session id (the record stores only its hash).</summary>
    public const string SessionClaim = "respond:sid";

    public sealed record SignIn(string? ApiKey);

    public static ClaimsPrincipal SessionPrincipal(RespondUser user, string sessionId)
    {
        var principal = ApiKeyAuthenticationHandler.Principal(user, AuthModule.CookieScheme);
        ((ClaimsIdentity)principal.Identity!).AddClaim(new Claim(SessionClaim, sessionId));
        return principal;
    }

    public static void MapSession(this WebApplication app)
    {
        var group = app.MapGroup("/api/session").WithTags("Session");
        OidcSignIn.Map(group);

        group.MapPost("/", async (SignIn? body, HttpContext context, UserDirectory users, FailedAttempts failures,
            IDocumentSession session, TimeProvider clock) =>
        {
            var user = users.FindByApiKey(body?.ApiKey);
            if (user is null)
            {
                // Failed guesses share the address's budget with wrong bearer keys; a right key always signs in.
                return failures.UserKeys.Fail(context) is { } wait
                    ? Problems.TooManyRequests(context, wait)
                    : Problems.Status(StatusCodes.Status401Unauthorized, "Sign-in failed.", "The API key is not valid.");
            }

            var now = clock.GetUtcNow();
            var sessionId = SessionRecord.NewSessionId();
            session.Store(new SessionRecord
            {
                Id = SessionRecord.IdOf(sessionId),
                User = user.Name,
                KeyStamp = user.KeyStamp,
                CreatedAt = now,
                ExpiresAt = now + SessionRecord.MaxLifetime,
            });
            session.DeleteWhere<SessionRecord>(r => r.ExpiresAt < now); // sessions nobody signed out of
            await session.SaveChangesAsync(context.RequestAborted);

            await context.SignInAsync(AuthModule.CookieScheme, SessionPrincipal(user, sessionId));
            return Results.Ok(new { name = user.Name, roles = user.Roles.Order() });
        }).AllowAnonymous().ProducesProblem(401).ProducesProblem(429);

        group.MapDelete("/", async (HttpContext context, IDocumentSession session) =>
        {
            if (context.User.FindFirst(SessionClaim)?.Value is { } sessionId)
            {
                session.Delete<SessionRecord>(SessionRecord.IdOf(sessionId));
                await session.SaveChangesAsync(context.RequestAborted);
            }

            await context.SignOutAsync(AuthModule.CookieScheme);
            return Results.NoContent();
        }).RequireAuthorization(Roles.Viewer);

        group.MapGet("/", (HttpContext context) => Results.Ok(new
        {
            name = context.User.Identity?.Name,
            displayName = context.User.FindFirst(OidcActor.NameClaim)?.Value ?? context.User.Identity?.Name,
            roles = context.User.FindAll(ClaimTypes.Role).Select(c => c.Value).Order(),
        })).RequireAuthorization(Roles.Viewer);
    }
}
