using System.Text.Json.Nodes;

namespace Respond.Server.Connectors;

/// <summary>A kind of connector (<c>http</c>, <c>slack</c>, …): the operations it offers and how to run one.</summary>
public interface IConnectorKind
{
    string Kind { get; }

    IReadOnlyList<ConnectorOperation> Operations { get; }

    /// <summary>
    /// Runs one operation once. Never retries by itself: the playbook engine counts and schedules attempts.
    /// Throws <see cref="ConnectorException"/> on failure.
    /// </summary>
    Task<JsonNode?> ExecuteAsync(ConnectorRequest request, CancellationToken cancellationToken);
}

/// <summary>A kind that checks more of a step's input at validation than its schema says (header names, say).</summary>
public interface IChecksInput
{
    IReadOnlyList<string> CheckInput(string operation, JsonObject input);
}

/// <summary>An operation and the JSON Schema of its input.</summary>
public sealed record ConnectorOperation(string Name, string Description, JsonObject InputSchema);

/// <summary>One call: the configured connector's settings section, the operation, its rendered input.</summary>
public sealed record ConnectorRequest(
    string ConnectorName,
    IConfigurationSection Settings,
    string Operation,
    JsonObject Input,
    string IdempotencyKey,
    TimeSpan Timeout);

/// <summary>A failed call. <see cref="Retryable"/>: network errors, time-outs, 408, 429 and 5xx.</summary>
public sealed class ConnectorException(string message, bool retryable, int? statusCode = null, Exception? inner = null)
    : Exception(message, inner)
{
    public bool Retryable { get; } = retryable;

    public int? StatusCode { get; } = statusCode;

    /// <summary>How long the target asked callers to wait (<c>Retry-After</c>), when it said.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>
    /// What was measured before the failure (a drill's RTO, a backup's age), kept on the failed step: a runbook that
    /// fails still reports its figures.
    /// </summary>
    public JsonNode? Output { get; init; }
}

/// <summary>A connector as configured under <c>Respond:Connectors:{name}</c>; never carries its secrets.</summary>
public sealed record ConfiguredConnector(string Name, string Kind, IReadOnlyList<ConnectorOperation> Operations);

/// <summary>The configured connectors, as the playbook engine and validation see them.</summary>
public interface IConnectors
{
    IReadOnlyList<ConfiguredConnector> All { get; }

    ConfiguredConnector? Find(string name);

    /// <summary>
    /// Checks a step's input against the operation's schema. Strings holding <c>{{ … }}</c> templates
    /// match any type, since they are only known at run time. Returns one message per problem.
    /// </summary>
    IReadOnlyList<string> ValidateInput(string connector, string operation, JsonObject input);

    /// <summary>Runs one attempt of an operation with the connector's configured credentials and hosts.</summary>
    Task<JsonNode?> InvokeAsync(string connector, string operation, JsonObject input, string idempotencyKey,
        TimeSpan? timeout, CancellationToken cancellationToken);
}
