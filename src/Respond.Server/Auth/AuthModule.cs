using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Respond.Server.Hosting;

namespace Respond.Server.Auth;

/// <summary>
/// Who may do what. A request authenticates with a bearer API key, an OIDC JWT (when
/// <c>Respond:Auth:Authority</c> is set), or the console's session cookie; every route then
/// needs a role, and anything not marked public needs at least a signed-in user.
/// </summary>
public static class AuthModule
{
    public const string Selector = "Respond";
    public const string CookieScheme = "Session";
    public const string JwtScheme = "Jwt";
    public const string CookieName = "respond_session";

    public static void AddAuth(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var config = builder.Configuration;
        if (BootstrapAdmin.Apply(builder) is { } keyPath)
        {
            services.AddHostedService(sp => new BootstrapAdminNotice(keyPath, sp.GetRequiredService<ILogger<BootstrapAdminNotice>>()));
        }

        services.Configure<Dictionary<string, UserOptions>>(config.GetSection("Respond:Users"));
        services.AddSingleton<UserDirectory>();
        services.AddSingleton<FailedAttempts>();
        services.AddSingleton<ActorProfiles>();
        SharedKeyRing.Add(services);
        var alwaysSecure = config.GetValue("Respond:Http:SecureCookies", false);
        var authority = config["Respond:Auth:Authority"];
        var jwtEnabled = !string.IsNullOrWhiteSpace(authority);

        var auth = services.AddAuthentication(Selector)
            .AddPolicyScheme(Selector, "API key, JWT or session cookie", o => o.ForwardDefaultSelector = context =>
            {
                var token = ApiKeyAuthenticationHandler.BearerToken(context.Request);
                return token is null ? CookieScheme : jwtEnabled && LooksLikeJwt(token) ? JwtScheme : ApiKeyAuthenticationHandler.SchemeName;
            })
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddCookie(CookieScheme, o =>
            {
                o.Cookie.Name = CookieName;
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                // Secure when the request is HTTPS, as seen through a trusted proxy (TrustedProxies), or always.
                o.Cookie.SecurePolicy = alwaysSecure ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                o.SlidingExpiration = true;
                o.Events.OnValidatePrincipal = RevalidateSession;
            });
        if (jwtEnabled)
        {
            auth.AddJwtBearer(JwtScheme, o =>
            {
                o.Authority = authority;
                o.Audience = config["Respond:Auth:Audience"];
                o.MapInboundClaims = false;
                o.RequireHttpsMetadata = config.GetValue("Respond:Auth:RequireHttpsMetadata", true);
                o.TokenValidationParameters.RoleClaimType = "roles";
                o.TokenValidationParameters.NameClaimType = OidcActor.IdClaim; // Identity.Name is the stable actor id
                o.Events = new JwtBearerEvents { OnTokenValidated = OidcActor.OnTokenValidated };
            });
            OidcSignIn.Add(auth, config);
        }

        services.AddTransient<IClaimsTransformation, RoleExpansion>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ProblemAuthorizationResultHandler>();
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddRolePolicies();
    }

    public static void UseAuth(this WebApplication app)
    {
        app.UseAuthentication();
        app.Use(SignInPage.RedirectBrowsersToSignIn);
        app.UseMiddleware<CookieCsrfGuard>();
        app.UseAuthorization();
    }

    /// <summary>Sessions, and the 404 for unknown <c>/api/*</c> routes (to signed-in users only: the rest get 401).</summary>
    public static void MapAuth(this WebApplication app)
    {
        app.MapSession();
        app.MapFallback("/api/{**rest}", () => Problems.NotFound("There is no such API route.")).RequireAuthorization(Roles.Viewer);
    }

    private static AuthorizationBuilder AddRolePolicies(this AuthorizationBuilder builder)
    {
        foreach (var role in Roles.All)
        {
            builder.AddPolicy(role, p => p.RequireAuthenticatedUser().RequireRole(role));
        }

        return builder;
    }

    private static bool LooksLikeJwt(string token) =>
        token.StartsWith("eyJ", StringComparison.Ordinal) && token.Count(c => c == '.') == 2;

    // A session outlives nothing it was granted from: sign-out (its record deleted), a rotated key, a removed
    // user or changed roles take effect at once. One primary-key read per request, on every node alike.
    private static async Task RevalidateSession(CookieValidatePrincipalContext context)
    {
        var services = context.HttpContext.RequestServices;
        var sessionId = context.Principal?.FindFirst(SessionEndpoints.SessionClaim)?.Value;
        var record = sessionId is null
            ? null
            : await services.GetRequiredService<Marten.IQuerySession>().LoadAsync<SessionRecord>(SessionRecord.IdOf(sessionId),
                context.HttpContext.RequestAborted);
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        if (record?.OidcRoles is not null)
        {
            await RevalidateOidcSession(context, record, sessionId!, now);
            return;
        }

        var user = record is null ? null : services.GetRequiredService<UserDirectory>().FindByName(record.User);
        if (user is null || record!.ExpiresAt <= now || record.KeyStamp != user.KeyStamp
            || !string.Equals(context.Principal?.Identity?.Name, user.Name, StringComparison.Ordinal))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieScheme);
            return;
        }

        context.ReplacePrincipal(SessionEndpoints.SessionPrincipal(user, sessionId!));
    }

    // An OIDC session lives until it expires or is signed out of; its roles are those granted at sign-in.
    private static async Task RevalidateOidcSession(CookieValidatePrincipalContext context, SessionRecord record, string sessionId,
        DateTimeOffset now)
    {
        var enabled = context.HttpContext.RequestServices.GetRequiredService<IConfiguration>()["Respond:Auth:ClientId"] is { Length: > 0 };
        if (!enabled || record.ExpiresAt <= now || !string.Equals(context.Principal?.Identity?.Name, record.User, StringComparison.Ordinal))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieScheme);
            return;
        }

        context.ReplacePrincipal(OidcSignIn.SessionPrincipal(record.User, context.Principal!.FindFirst(OidcActor.NameClaim)?.Value,
            record.OidcRoles!, sessionId));
    }
}
