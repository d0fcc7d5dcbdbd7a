namespace Respond.Server.Connectors.Kinds.PostgresStandby;

/// <summary>A drill that could not go on, with its reason in words (never the connection string or its password).</summary>
internal sealed class DrillException(string reason, bool retryable) : Exception(reason)
{
    public bool Retryable { get; } = retryable;
}
