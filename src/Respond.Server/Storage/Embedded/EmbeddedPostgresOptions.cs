namespace Respond.Server.Storage.Embedded;

/// <summary>Raised when the private PostgreSQL cluster cannot be provisioned, started or reached.</summary>
public sealed class EmbeddedPostgresException(string message) : Exception(message);

/// <summary>Where the private cluster lives (<c>data/</c>, <c>port</c>, <c>password</c>, <c>postgres.log</c>) and the database to create.</summary>
public sealed record EmbeddedPostgresOptions(string DataRoot, string Database = "respond");
