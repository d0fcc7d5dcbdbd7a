using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Respond.Server.Tests.Auth;

/// <summary>
/// The authorization code flow of an OpenID Connect provider, as Entra ID speaks it: <c>/authorize</c> signs in
/// <see cref="NextUser"/> at once and redirects back with a one-time code; <c>/token</c> trades the code, checked against its PKCE
/// challenge and redirect URI, for an ID token carrying the nonce, the subject and the roles.
/// </summary>
public sealed class LocalSignIns
{
    private sealed record Grant(string ClientId, string RedirectUri, string Nonce, string Challenge, SignInUser User);

    public sealed record SignInUser(string Oid, string Name, string[] Roles);

    private readonly ConcurrentDictionary<string, Grant> grants = new();

    public SignInUser NextUser { get; set; } = new("5f0c-ada", "ada@contoso.com", ["responder"]);

    /// <summary>What the last token request carried, so a test can see PKCE was used.</summary>
    public string? LastVerifier { get; private set; }

    public void Map(WebApplication app, Func<string> authority, RSA rsa)
    {
        app.MapGet("/authorize", (HttpRequest request) =>
        {
            var q = request.Query;
            if (q["response_type"] != "code" || q["code_challenge_method"] != "S256" || string.IsNullOrEmpty(q["code_challenge"]))
            {
                return Results.BadRequest(new { error = "invalid_request" });
            }

            var code = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
            grants[code] = new Grant(q["client_id"]!, q["redirect_uri"]!, q["nonce"]!, q["code_challenge"]!, NextUser);
            var back = $"{q["redirect_uri"]}?code={code}&state={Uri.EscapeDataString(q["state"]!)}";
            return Results.Redirect(back);
        });

        app.MapPost("/token", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            LastVerifier = form["code_verifier"];
            if (form["grant_type"] != "authorization_code" || !grants.TryRemove(form["code"].ToString(), out var grant)
                || grant.RedirectUri != form["redirect_uri"] || grant.ClientId != form["client_id"]
                || grant.Challenge != Challenge(form["code_verifier"].ToString()))
            {
                return Results.Json(new { error = "invalid_grant" }, statusCode: 400);
            }

            var idToken = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
            {
                Issuer = authority(),
                Audience = grant.ClientId,
                NotBefore = DateTime.UtcNow.AddMinutes(-1),
                Expires = DateTime.UtcNow.AddMinutes(10),
                Claims = new Dictionary<string, object>
                {
                    ["sub"] = grant.User.Oid,
                    ["oid"] = grant.User.Oid,
                    ["preferred_username"] = grant.User.Name,
                    ["roles"] = grant.User.Roles,
                    ["nonce"] = grant.Nonce,
                },
                SigningCredentials = new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = "test-key" }, SecurityAlgorithms.RsaSha256),
            });
            return Results.Json(new { id_token = idToken, access_token = "opaque", token_type = "Bearer", expires_in = 600 });
        });
    }

    private static string Challenge(string verifier) =>
        Convert.ToBase64String(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
