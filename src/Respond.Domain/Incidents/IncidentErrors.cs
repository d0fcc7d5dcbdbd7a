namespace Respond.Domain.Incidents;

/// <summary>The incident's current status forbids the command (answered 409).</summary>
public sealed class IncidentConflictException(string message) : Exception(message);

/// <summary>The command itself is malformed (answered 400).</summary>
public sealed class InvalidCommandException(string message) : Exception(message);
