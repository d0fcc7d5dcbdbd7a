using System.Security.Cryptography;
using System.Text;

namespace Respond.Server.Auth;

/// <summary>
/// The server's side of a console session. The cookie carries a random 256-bit session id; only its
/// SHA-256 is stored, as the id. Signing out deletes the record, so a copied cookie stops working on
/// every node at once; the user's key stamp ties the session to the API key it was opened with.
/// </summary>
public sealed class SessionRecord
{
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromHours(24);

    public string Id { get; set; } = "";
    public string User { get; set; } = "";
    public string KeyStamp { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>
    /// For a session opened through OIDC: the roles the identity provider granted at sign-in (the user is not in
    /// <c>Respond:Users</c>, so there is no key stamp to check). Null for API-key sessions.
    /// </summary>
    public IReadOnlyList<string>? OidcRoles { get; set; }

    public static string NewSessionId() => Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string IdOf(string sessionId) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sessionId)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
