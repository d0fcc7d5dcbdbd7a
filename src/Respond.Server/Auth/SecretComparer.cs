using System.Security.Cryptography;
using System.Text;

namespace Respond.Server.Auth;

/// <summary>
/// Constant-time secret checks. Hashing first makes both sides the same length, so neither the
/// content nor the length of a secret leaks through timing.
/// </summary>
public static class SecretComparer
{
    public static byte[] Digest(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    public static bool Matches(string? presented, byte[] expectedDigest) =>
        presented is not null && CryptographicOperations.FixedTimeEquals(Digest(presented), expectedDigest);
}
