using Respond.Domain.Alerts.Formats;

namespace Respond.Domain.Sources;

/// <summary>How a console source's deliveries prove themselves: a bearer token, or an HMAC signature.</summary>
public enum SourceAuth
{
    Token,
    Signature,
}

/// <summary>
/// Every event of a console-added alert source names the source, who did it and when: the stream is the audit trail.
/// No event carries a secret, its hash or its ciphertext: those live only in the source's record.
/// </summary>
public interface ISourceEvent
{
    Guid SourceId { get; }
    string Name { get; }
    string Actor { get; }
    DateTimeOffset At { get; }
}

public sealed record SourceAdded(
    Guid SourceId,
    string Name,
    string Kind,
    SourceAuth Auth,
    GenericMapping? Mapping,
    string Actor,
    DateTimeOffset At) : ISourceEvent;

/// <summary>A new secret replaced the old one, which stopped working.</summary>
public sealed record SourceSecretRotated(Guid SourceId, string Name, SourceAuth Auth, string Actor, DateTimeOffset At) : ISourceEvent;

public sealed record SourceDeleted(Guid SourceId, string Name, string Actor, DateTimeOffset At) : ISourceEvent;
