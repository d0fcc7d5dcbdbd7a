using Respond.Domain.Alerts.Formats;
using Respond.Domain.Sources;

namespace Respond.Server.Sources;

/// <summary>
/// A console source as the webhook needs it, one row per live name (deleted with the source; the events stay). Its id is
/// the name's key, so two adds of one name collide in the database instead of both succeeding. It holds the token only as
/// its SHA-256, and the signing secret encrypted with the shared key ring (HMAC needs the secret itself).
/// </summary>
public sealed record ConsoleSourceRecord
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string Kind { get; init; }
    public SourceAuth Auth { get; init; }
    public GenericMapping? Mapping { get; init; }

    /// <summary>Hex SHA-256 of the token (token sources).</summary>
    public string? TokenDigest { get; init; }

    /// <summary>The signing secret, protected by <see cref="SourceSecrets"/> (signature sources).</summary>
    public string? ProtectedSigningSecret { get; init; }

    /// <summary>New on every change, so caches rebuild a source only when it changed.</summary>
    public Guid Revision { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}
