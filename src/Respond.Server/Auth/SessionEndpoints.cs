using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Respond.Server.Hosting;

namespace Respond.Server.Auth;

/// <summary>The console's sign-in: trade an API key for an HttpOnly, SameSite=Strict session cookie.</summary>
public static class SessionEndpoints
{
    public const string SignInLimit = "session-sign-in";

    public sealed record SignIn(string? ApiKey);

    public static void AddSessionRateLimit(this Microsoft.AspNetCore.RateLimiting.RateLimiterOptions options) =>
        // Ten guesses a minute per client address: enough for people, useless for brute force.
        options.AddPolicy(SignInLimit, context => RateLimitPartition.GetFixedWindowLimiter(
            context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            _ => new FixedWindowRateLimiterOptions { PermitLimit = 10, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));

    public static void MapSession(this WebApplication app)
    {
        var group = app.MapGroup("/api/session").WithTags("Session");

        group.MapPost("/", async (SignIn? body, HttpContext context, UserDirectory users) =>
        {
            var user = users.FindByApiKey(body?.ApiKey);
            if (user is null)
            {
                return Problems.Status(StatusCodes.Status401Unauthorized, "Sign-in failed.", "The API key is not valid.");
            }

            await context.SignInAsync(AuthSetup.CookieScheme, ApiKeyAuthenticationHandler.Principal(user, AuthSetup.CookieScheme));
            return Results.Ok(new { name = user.Name, roles = user.Roles.Order() });
        }).AllowAnonymous().RequireRateLimiting(SignInLimit);

        group.MapDelete("/", async (HttpContext context) =>
        {
            await context.SignOutAsync(AuthSetup.CookieScheme);
            return Results.NoContent();
        }).RequireAuthorization(Roles.Viewer);

        group.MapGet("/", (HttpContext context) => Results.Ok(new
        {
            name = context.User.Identity?.Name,
            roles = context.User.FindAll(System.Security.Claims.ClaimTypes.Role).Select(c => c.Value).Order(),
        })).RequireAuthorization(Roles.Viewer);
    }
}
