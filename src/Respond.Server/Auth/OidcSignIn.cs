using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Respond.Server.Hosting;

namespace Respond.Server.Auth;

/// <summary>
/// The console's single sign-on: the authorization code flow with PKCE against <c>Respond:Auth:Authority</c>, for the
/// client <c>Respond:Auth:ClientId</c>. The identity provider's answer opens the same server-side session as an API key does,
/// holding the roles the <c>roles</c> claim granted; no token is kept, and sign-out ends the session on every node.
/// </summary>
public static class OidcSignIn
{
    public const string Scheme = "Oidc";
    public const string CallbackPath = "/api/session/oidc/callback";

    public static bool Enabled(IConfiguration config) =>
        !string.IsNullOrWhiteSpace(config["Respond:Auth:Authority"]) && !string.IsNullOrWhiteSpace(config["Respond:Auth:ClientId"]);

    public static void Add(AuthenticationBuilder auth, IConfiguration config)
    {
        if (!Enabled(config))
        {
            return;
        }

        auth.AddOpenIdConnect(Scheme, o =>
        {
            o.Authority = config["Respond:Auth:Authority"];
            o.ClientId = config["Respond:Auth:ClientId"];
            o.ClientSecret = config["Respond:Auth:ClientSecret"]; // none: a public client, protected by PKCE
            o.RequireHttpsMetadata = config.GetValue("Respond:Auth:RequireHttpsMetadata", true);
            o.ResponseType = OpenIdConnectResponseType.Code;
            o.ResponseMode = OpenIdConnectResponseMode.Query; // a plain GET back, so Lax cookies survive the round trip
            o.UsePkce = true;
            o.CallbackPath = CallbackPath;
            o.SignInScheme = AuthModule.CookieScheme;
            o.MapInboundClaims = false;
            o.SaveTokens = false;
            o.GetClaimsFromUserInfoEndpoint = false;
            o.Scope.Clear();
            o.Scope.Add("openid");
            o.Scope.Add("profile");
            o.TokenValidationParameters.RoleClaimType = "roles";
            o.CorrelationCookie.SameSite = SameSiteMode.Lax;
            o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.NonceCookie.SameSite = SameSiteMode.Lax;
            o.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.Events = new OpenIdConnectEvents { OnTicketReceived = OpenSessionAsync, OnRemoteFailure = BackToSignIn };
        });
    }

    /// <summary><c>GET /api/session/providers</c> and <c>GET /api/session/oidc?returnUrl=</c>, both public.</summary>
    public static void Map(RouteGroupBuilder group)
    {
        group.MapGet("/providers", (IConfiguration config) => Results.Ok(new
        {
            oidc = Enabled(config) ? new { name = config["Respond:Auth:DisplayName"] ?? "single sign-on" } : null,
        })).AllowAnonymous();

        group.MapGet("/oidc", (string? returnUrl, IConfiguration config) => Enabled(config)
            ? Results.Challenge(new AuthenticationProperties { RedirectUri = LocalPath(returnUrl) }, [Scheme])
            : Problems.NotFound("Single sign-on is not configured (Respond:Auth:ClientId)."))
            .AllowAnonymous().ProducesProblem(404);
    }

    public static ClaimsPrincipal SessionPrincipal(string actor, string? displayName, IEnumerable<string> roles, string sessionId)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, actor),
            new(OidcActor.NameClaim, displayName ?? actor),
            new(SessionEndpoints.SessionClaim, sessionId),
        };
        claims.AddRange(Roles.Expand(roles).Select(r => new Claim(ClaimTypes.Role, r)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, AuthModule.CookieScheme, ClaimTypes.Name, ClaimTypes.Role));
    }

    /// <summary>
    /// Only a path on this site, so a crafted link cannot bounce a fresh session to another host. Control characters never
    /// get here: <see cref="Hosting.QueryGuard"/> refuses them in any query.
    /// </summary>
    public static string LocalPath(string? returnUrl) =>
        returnUrl is { Length: > 0 } url && url[0] == '/' && !url.StartsWith("//", StringComparison.Ordinal)
            && !url.StartsWith("/\\", StringComparison.Ordinal)
            ? url
            : "/incidents";

    private static async Task OpenSessionAsync(TicketReceivedContext context)
    {
        var (actor, name) = OidcActor.Resolve(context.Principal!);
        var roles = context.Principal!.FindAll("roles").Select(c => c.Value).Where(Roles.All.Contains).Distinct().Order().ToList();
        if (actor is null || roles.Count == 0)
        {
            // Signed in at the provider, but nobody Respond knows: no session, and the page says why.
            context.HandleResponse();
            context.Response.Redirect(actor is null ? "/sign-in?error=oidc-subject" : "/sign-in?error=oidc-no-role");
            return;
        }

        var services = context.HttpContext.RequestServices;
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var sessionId = SessionRecord.NewSessionId();
        await using (var session = services.GetRequiredService<IDocumentStore>().LightweightSession())
        {
            session.Store(new SessionRecord
            {
                Id = SessionRecord.IdOf(sessionId),
                User = actor,
                OidcRoles = roles,
                CreatedAt = now,
                ExpiresAt = now + SessionRecord.MaxLifetime,
            });
            await session.SaveChangesAsync(context.HttpContext.RequestAborted);
        }

        await services.GetRequiredService<ActorProfiles>().RememberAsync(actor, name!, context.HttpContext.RequestAborted);
        context.Principal = SessionPrincipal(actor, name, roles, sessionId);
        context.Properties!.RedirectUri = LocalPath(context.Properties.RedirectUri);
    }

    private static Task BackToSignIn(RemoteFailureContext context)
    {
        context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OidcSignIn))
            .LogWarning("Single sign-on failed: {Reason}", context.Failure?.Message);
        context.HandleResponse();
        context.Response.Redirect("/sign-in?error=oidc-failed");
        return Task.CompletedTask;
    }
}
