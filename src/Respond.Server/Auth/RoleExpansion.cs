using Microsoft.AspNetCore.Authentication;

namespace Respond.Server.Auth;

/// <summary>OIDC tokens carry raw role names; give them the same implications as API-key users.</summary>
internal sealed class RoleExpansion : IClaimsTransformation
{
    public Task<System.Security.Claims.ClaimsPrincipal> TransformAsync(System.Security.Claims.ClaimsPrincipal principal)
    {
        if (principal.Identity is not System.Security.Claims.ClaimsIdentity { IsAuthenticated: true } identity
            || identity.AuthenticationType is ApiKeyAuthenticationHandler.SchemeName or AuthModule.CookieScheme)
        {
            return Task.FromResult(principal);
        }

        var granted = identity.FindAll(identity.RoleClaimType).Select(c => c.Value).ToList();
        foreach (var role in Roles.Expand(granted).Except(granted))
        {
            identity.AddClaim(new System.Security.Claims.Claim(identity.RoleClaimType, role));
        }

        return Task.FromResult(principal);
    }
}
