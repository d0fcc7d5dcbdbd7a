using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Respond.Server.Tests.Infrastructure;

namespace Respond.Server.Tests.Auth;

/// <summary>An OpenID Connect issuer on loopback: discovery document, JWKS, and tokens signed with its key.</summary>
public sealed class LocalIssuer : IAsyncDisposable
{
    private readonly RSA rsa = RSA.Create(2048);
    private WebApplication? app;

    public string Authority { get; private set; } = "";

    /// <summary>The browser sign-in side: who the next person to sign in at this provider is, and the codes it gave out.</summary>
    public LocalSignIns SignIns { get; } = new();

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        app = builder.Build();
        var publicKey = new RsaSecurityKey(rsa.ExportParameters(includePrivateParameters: false)) { KeyId = "test-key" };
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(publicKey);
        app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = Authority,
            ["jwks_uri"] = $"{Authority}/jwks",
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
            ["authorization_endpoint"] = $"{Authority}/authorize",
            ["token_endpoint"] = $"{Authority}/token",
            ["response_types_supported"] = new[] { "code" },
            ["subject_types_supported"] = new[] { "public" },
            ["code_challenge_methods_supported"] = new[] { "S256" },
        }));
        SignIns.Map(app, () => Authority, rsa);
        app.MapGet("/jwks",
            () => Results.Json(new { keys = new[] { new { kty = jwk.Kty, kid = jwk.Kid, use = "sig", n = jwk.N, e = jwk.E, alg = "RS256" } } }));
        await app.StartAsync();
        Authority = app.Urls.Single();
    }

    public string Token(string user, string[] roles, TimeSpan? lifetime = null, string audience = "api://respond", RSA? signWith = null) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Authority,
            Audience = audience,
            NotBefore = DateTime.UtcNow.AddMinutes(-10),
            Expires = DateTime.UtcNow + (lifetime ?? TimeSpan.FromMinutes(10)),
            Claims = new Dictionary<string, object> { ["preferred_username"] = user, ["roles"] = roles },
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(signWith ?? rsa) { KeyId = "test-key" }, SecurityAlgorithms.RsaSha256),
        });

    /// <summary>An app-only token (client credentials): no <c>preferred_username</c>, just the app's ids.</summary>
    public string AppToken(string oid, string appId, string[] roles) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Authority,
            Audience = "api://respond",
            NotBefore = DateTime.UtcNow.AddMinutes(-10),
            Expires = DateTime.UtcNow.AddMinutes(10),
            Claims = new Dictionary<string, object> { ["oid"] = oid, ["sub"] = oid, ["appid"] = appId, ["azp"] = appId, ["roles"] = roles },
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = "test-key" }, SecurityAlgorithms.RsaSha256),
        });

    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
        }

        rsa.Dispose();
    }
}

public class OidcApp : RespondApp
{
    public LocalIssuer Issuer { get; } = new();

    protected override IDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>(Settings)
    {
        ["Respond:Auth:Authority"] = Issuer.Authority,
        ["Respond:Auth:Audience"] = "api://respond",
        ["Respond:Auth:RequireHttpsMetadata"] = "false", // the loopback issuer speaks plain HTTP
    };

    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?>();

    public override async Task InitializeAsync()
    {
        await Issuer.StartAsync();
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Issuer.DisposeAsync();
    }
}

public class OidcTests(OidcApp app) : IClassFixture<OidcApp>
{
    private HttpClient With(string token)
    {
        var client = app.Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    [Fact]
    public async Task Roles_come_from_the_roles_claim_with_the_same_implications()
    {
        var responder = With(app.Issuer.Token("erin@contoso.com", ["responder"]));
        var opened = await (await responder.PostAsJsonAsync("/api/incidents", new { title = "from Entra" })).JsonAsync(HttpStatusCode.Created);
        await (await responder.GetAsync("/api/incidents")).JsonAsync(HttpStatusCode.OK); // viewer is implied
        var timeline = await (await responder.GetAsync($"/api/incidents/{opened["id"]}/timeline")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("erin@contoso.com", timeline["items"]![0]!["actor"]!.GetValue<string>());

        var admin = With(app.Issuer.Token("root@contoso.com", ["admin"]));
        await (await admin.PostAsJsonAsync("/api/incidents", new { title = "admin implies responder" })).JsonAsync(HttpStatusCode.Created);

        var viewer = With(app.Issuer.Token("val@contoso.com", ["viewer"]));
        await (await viewer.PostAsJsonAsync("/api/incidents", new { title = "no" })).ProblemAsync(HttpStatusCode.Forbidden);

        // The Hangfire dashboard takes the same tokens: an admin's opens it, anyone else's is refused.
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/hangfire")).StatusCode);
        await (await responder.GetAsync("/hangfire")).ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Expired_foreign_or_wrong_audience_tokens_are_401()
    {
        using var stranger = RSA.Create(2048);
        foreach (var token in new[]
                 {
                     app.Issuer.Token("erin", ["admin"], lifetime: TimeSpan.FromMinutes(-6)),
                     app.Issuer.Token("erin", ["admin"], signWith: stranger),
                     app.Issuer.Token("erin", ["admin"], audience: "api://someone-else"),
                 })
        {
            await (await With(token).GetAsync("/api/incidents")).ProblemAsync(HttpStatusCode.Unauthorized);
        }
    }

    [Fact]
    public async Task Api_keys_still_work_beside_oidc() =>
        await (await app.As("viewer").GetAsync("/api/incidents")).JsonAsync(HttpStatusCode.OK);
}
