using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Respond.Server.Auth;

/// <summary><c>Authorization: Bearer &lt;api key&gt;</c> against the configured users.</summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    UserDirectory users,
    FailedAttempts failures) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    /// <summary>Set on a request whose wrong key went over its address's failure budget: answer 429, not 401.</summary>
    public const string TooManyFailures = "respond:too-many-key-failures";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        // Webhooks carry their source's token, not a user's key; they are checked by the webhook itself.
        var key = Request.Path.StartsWithSegments("/api/webhooks") ? null : BearerToken(Request);
        if (key is null)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var user = users.FindByApiKey(key);
        if (user is not null)
        {
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(Principal(user, SchemeName), SchemeName)));
        }

        // Only a wrong key is counted, so the right one is never held back by someone else's guesses.
        if (failures.UserKeys.Fail(Context) is { } wait)
        {
            Context.Items[TooManyFailures] = wait;
        }

        return Task.FromResult(AuthenticateResult.Fail("Unknown API key."));
    }

    public static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
    }

    public static ClaimsPrincipal Principal(RespondUser user, string authenticationType)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, user.Name) };
        claims.AddRange(user.Roles.Select(r => new Claim(ClaimTypes.Role, r)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType, ClaimTypes.Name, ClaimTypes.Role));
    }
}
