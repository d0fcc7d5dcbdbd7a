using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;
using Respond.Server.Hosting;

namespace Respond.Server.Auth;

/// <summary>401 and 403 as problem documents rather than redirects or empty bodies.</summary>
internal sealed class ProblemAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler fallback = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult result)
    {
        if (result.Challenged && context.Items[ApiKeyAuthenticationHandler.TooManyFailures] is TimeSpan wait)
        {
            return Problems.WriteTooManyRequestsAsync(context, wait);
        }

        if (result.Challenged)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return Problems.WriteAsync(context, StatusCodes.Status401Unauthorized, "Authentication required.",
                "Send Authorization: Bearer <api key or token>, or sign in at POST /api/session.");
        }

        if (result.Forbidden)
        {
            var roles = policy.Requirements.OfType<RolesAuthorizationRequirement>().SelectMany(r => r.AllowedRoles);
            return Problems.WriteAsync(context, StatusCodes.Status403Forbidden, "Your role does not allow this.",
                $"This needs the role: {string.Join(", ", roles)}.");
        }

        return fallback.HandleAsync(next, context, policy, result);
    }
}
