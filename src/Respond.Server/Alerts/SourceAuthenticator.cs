using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Respond.Server.Auth;
using Respond.Server.Hosting;

namespace Respond.Server.Alerts;

/// <summary>
/// A delivery proves itself with the source's token (bearer header, or <c>?code=</c> for senders
/// that cannot set headers) or with <c>X-Respond-Signature: t=&lt;unix&gt;,v1=&lt;hex HMAC-SHA256 of "t.body"&gt;</c>.
/// Signatures older (or newer) than five minutes are replays. All comparisons are constant-time.
/// </summary>
public static class SourceAuthenticator
{
    public const string SignatureHeader = "X-Respond-Signature";
    public static readonly TimeSpan ReplayWindow = TimeSpan.FromMinutes(5);

    // Stand-ins for a source that does not exist (or lacks that credential): the same work is done
    // against them, so neither the answer nor its timing tells a known source from an unknown one.
    private static readonly byte[] NoTokenDigest = RandomNumberGenerator.GetBytes(32);
    private static readonly byte[] NoSigningKey = RandomNumberGenerator.GetBytes(32);

    public sealed record Check(bool Authentic, byte[]? Body, bool TooLarge);

    /// <summary>
    /// Checks a delivery's credentials against <paramref name="source"/> (null: no such source). A token is
    /// checked before the body is read; a signature needs the body, read within the 1 MiB cap and returned.
    /// </summary>
    public static async Task<Check> CheckAsync(AlertSource? source, HttpRequest request, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var token = ApiKeyAuthenticationHandler.BearerToken(request) ?? request.Query["code"].FirstOrDefault();
        if (token is not null && SecretComparer.Matches(token, source?.TokenDigest ?? NoTokenDigest) && source?.TokenDigest is not null)
        {
            return new Check(true, null, false);
        }

        if (request.Headers[SignatureHeader].FirstOrDefault() is not { } header)
        {
            return new Check(false, null, false);
        }

        if (request.ContentLength > RequestBodies.MaxBytes
            || await RequestBodies.ReadCappedAsync(request.Body, RequestBodies.MaxBytes, cancellationToken) is not { } body)
        {
            return new Check(false, null, true);
        }

        var valid = SignatureIsValid(source?.SigningKey ?? NoSigningKey, header, body, now);
        return new Check(valid && source?.SigningKey is not null, body, false);
    }

    public static bool SignatureIsValid(byte[] key, string header, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        string? timestamp = null;
        var candidates = new List<string>();
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (part.StartsWith("t=", StringComparison.Ordinal))
            {
                timestamp = part[2..];
            }
            else if (part.StartsWith("v1=", StringComparison.Ordinal))
            {
                candidates.Add(part[3..]);
            }
        }

        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds()
            || (now - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > ReplayWindow)
        {
            return false;
        }

        var expected = Mac(key, timestamp!, body);

        var valid = false;
        foreach (var candidate in candidates)
        {
            valid |= TryHex(candidate, out var presented) && CryptographicOperations.FixedTimeEquals(presented, expected);
        }

        return valid;
    }

    /// <summary>The header value a sender computes (the tests sign with it).</summary>
    public static string Sign(string secret, ReadOnlySpan<byte> body, DateTimeOffset at)
    {
        var t = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"t={t},v1={Convert.ToHexStringLower(Mac(Encoding.UTF8.GetBytes(secret), t, body))}";
    }

    /// <summary>HMAC-SHA256 of <c>"&lt;t&gt;.&lt;raw body&gt;"</c>: what a signature signs.</summary>
    private static byte[] Mac(byte[] key, string timestamp, ReadOnlySpan<byte> body)
    {
        var signed = new byte[timestamp.Length + 1 + body.Length];
        Encoding.ASCII.GetBytes(timestamp, signed);
        signed[timestamp.Length] = (byte)'.';
        body.CopyTo(signed.AsSpan(timestamp.Length + 1));
        return HMACSHA256.HashData(key, signed);
    }

    private static bool TryHex(string text, out byte[] bytes)
    {
        bytes = [];
        if (text.Length != 64)
        {
            return false;
        }

        try
        {
            bytes = Convert.FromHexString(text);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
