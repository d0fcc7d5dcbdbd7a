using JasperFx;
using Marten;
using Marten.Exceptions;
using Npgsql;
using Respond.Domain.Alerts.Formats;
using Respond.Domain.Sources;
using Respond.Server.Alerts;
using Respond.Server.Runbooks;

namespace Respond.Server.Sources;

/// <summary>
/// Adding, rotating and deleting a console source: read the source's stream, decide, then append the event and write the
/// record in one transaction. The stream's expected version and the record's primary key decide races: of two at once,
/// one commits and the other is a conflict that changed nothing.
/// </summary>
public sealed partial class SourceChanges(IDocumentStore store, AlertSources configured, SourceSecrets secrets, AddedSourceCache cache,
    ILogger<SourceChanges> logger)
{
    /// <summary>A new secret, to be shown once.</summary>
    public sealed record Issued(string Name, string Kind, SourceAuth Auth, string Secret);

    /// <summary>Names the console may not take: configured sources, and the source Respond raises runbook failures from.</summary>
    public bool IsTaken(string? name) => name is not null
        && (configured.TryGet(name.Trim(), out _) || string.Equals(name.Trim(), RunbookFailures.Source, StringComparison.OrdinalIgnoreCase));

    public async Task<Issued> AddAsync(AddSource command, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        var key = SourceNames.Key(command.Name ?? "");
        var (state, version) = SourceNames.IsValid(key) ? await ReadAsync(session, key, ct) : (null, 0);
        var added = SourceDecider.Decide(state, command);
        var issued = secrets.Issue(added.Auth);
        session.Events.Append(added.SourceId, version + 1, added);
        session.Insert(Record(added.Name, added.Kind, added.Auth, added.Mapping, issued, added.At));
        await SaveAsync(session, ct);
        LogChange(logger, added.Name, "added", added.Actor);
        return new Issued(added.Name, added.Kind, added.Auth, issued.Secret);
    }

    public async Task<Issued> RotateAsync(RotateSourceSecret command, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        var (state, version) = await ReadAsync(session, SourceNames.Key(command.Name), ct);
        var rotated = SourceDecider.Decide(state, command);
        var issued = secrets.Issue(state!.Auth);
        session.Events.Append(rotated.SourceId, version + 1, rotated);
        session.Store(Record(state.Name, state.Kind, state.Auth, state.Mapping, issued, rotated.At));
        await SaveAsync(session, ct);
        LogChange(logger, state.Name, "given a new secret", rotated.Actor);
        return new Issued(state.Name, state.Kind, state.Auth, issued.Secret);
    }

    public async Task DeleteAsync(DeleteSource command, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        var (state, version) = await ReadAsync(session, SourceNames.Key(command.Name), ct);
        var deleted = SourceDecider.Decide(state, command);
        session.Events.Append(deleted.SourceId, version + 1, deleted);
        session.Delete<ConsoleSourceRecord>(SourceNames.Key(deleted.Name));
        await SaveAsync(session, ct);
        LogChange(logger, deleted.Name, "deleted", deleted.Actor);
    }

    /// <summary>Whether a write lost a race to another one on the same source.</summary>
    public static bool IsLostRace(Exception exception) => exception switch
    {
        DocumentAlreadyExistsException or ConcurrencyException or ExistingStreamIdCollisionException => true,
        PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } => true,
        AggregateException all => all.InnerExceptions.Count > 0 && all.InnerExceptions.All(IsLostRace),
        _ => exception.InnerException is { } inner && IsLostRace(inner),
    };

    private static async Task<(ConsoleSource? State, long Version)> ReadAsync(IDocumentSession session, string key, CancellationToken ct)
    {
        if (!SourceNames.IsValid(key))
        {
            return (null, 0);
        }

        var events = await session.Events.FetchStreamAsync(SourceNames.StreamId(key), token: ct);
        var state = events.Aggregate((ConsoleSource?)null, (s, e) => ConsoleSource.Evolve(s, e.Data));
        return (state, events.Count == 0 ? 0 : events[^1].Version);
    }

    private async Task SaveAsync(IDocumentSession session, CancellationToken ct)
    {
        await session.SaveChangesAsync(ct);
        cache.Invalidate(); // this node sees the change on its next delivery; the others within a second
    }

    private static ConsoleSourceRecord Record(string name, string kind, SourceAuth auth, GenericMapping? mapping,
        SourceSecrets.Issued issued, DateTimeOffset at) => new()
        {
            Id = SourceNames.Key(name),
            Name = name,
            Kind = kind,
            Auth = auth,
            Mapping = mapping,
            TokenDigest = issued.TokenDigest,
            ProtectedSigningSecret = issued.ProtectedSigningSecret,
            Revision = Guid.CreateVersion7(),
            UpdatedAt = at,
        };

    [LoggerMessage(Level = LogLevel.Information, Message = "Alert source {Source} was {Change} by {Actor}")]
    private static partial void LogChange(ILogger logger, string source, string change, string actor);
}
