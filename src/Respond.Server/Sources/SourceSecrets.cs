using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Respond.Domain.Sources;
using Respond.Server.Auth;

namespace Respond.Server.Sources;

/// <summary>
/// A console source's secret: 256 random bits (CSPRNG), URL-safe base64, shown to the admin once. A token is kept as its
/// SHA-256 (enough for a random 256-bit value); a signing secret is encrypted with the DataProtection key ring that lives
/// in PostgreSQL (<see cref="SharedKeyRing"/>), so every node can verify signatures with it.
/// </summary>
public sealed class SourceSecrets(IDataProtectionProvider protection)
{
    private readonly IDataProtector protector = protection.CreateProtector("Respond.Sources.SigningSecret.v1");

    public sealed record Issued(string Secret, string? TokenDigest, string? ProtectedSigningSecret);

    public Issued Issue(SourceAuth auth)
    {
        var secret = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        return auth == SourceAuth.Token
            ? new Issued(secret, Convert.ToHexStringLower(SecretComparer.Digest(secret)), null)
            : new Issued(secret, null, protector.Protect(secret));
    }

    /// <summary>The HMAC key of a record, or null when it has none or the key ring cannot open it.</summary>
    public byte[]? SigningKey(ConsoleSourceRecord record)
    {
        if (record.ProtectedSigningSecret is null)
        {
            return null;
        }

        try
        {
            return Encoding.UTF8.GetBytes(protector.Unprotect(record.ProtectedSigningSecret));
        }
        catch (CryptographicException)
        {
            return null; // a key ring that lost its key: the source refuses every signature until rotated
        }
    }

    public static byte[]? TokenDigest(ConsoleSourceRecord record) =>
        record.TokenDigest is { } hex ? Convert.FromHexString(hex) : null;
}
