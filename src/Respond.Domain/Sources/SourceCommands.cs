using Respond.Domain.Alerts.Formats;

namespace Respond.Domain.Sources;

/// <summary>
/// Adds a source. <paramref name="Taken"/> says the name is not free outside the console (a configured source, or a
/// name Respond uses itself): the host knows its configuration, the decision stays here.
/// </summary>
public sealed record AddSource(string? Name, string? Kind, string? Auth, GenericMapping? Mapping, bool Taken, string Actor,
    DateTimeOffset At);

public sealed record RotateSourceSecret(string Name, bool Taken, string Actor, DateTimeOffset At);

public sealed record DeleteSource(string Name, bool Taken, string Actor, DateTimeOffset At);

/// <summary>A field of the command is not valid (answered 400, naming <see cref="Field"/>).</summary>
public sealed class SourceFieldException(string field, string message) : Exception(message)
{
    public string Field { get; } = field;
}

/// <summary>The name is taken, or belongs to a configured source (answered 409).</summary>
public sealed class SourceConflictException(string message) : Exception(message);

/// <summary>No console source has that name (answered 404).</summary>
public sealed class SourceNotFoundException(string message) : Exception(message);
