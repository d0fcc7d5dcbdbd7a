using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Primitives;

namespace Respond.Server.Connectors;

/// <summary>
/// The connectors of <c>Respond:Connectors</c>, each bound to its kind at start-up. Every call goes through
/// here: input checked against the operation's schema, a time-out, and configured secrets scrubbed from
/// whatever comes back (output or error).
/// </summary>
public sealed class ConfiguredConnectors : IConnectors
{
    public const string SectionName = "Respond:Connectors";

    private readonly Dictionary<string, Entry> connectors = new(StringComparer.OrdinalIgnoreCase);
    private readonly ILogger<ConfiguredConnectors> logger;

    public ConfiguredConnectors(IConfiguration configuration, IEnumerable<IConnectorKind> kinds, ILogger<ConfiguredConnectors> logger)
    {
        this.logger = logger;
        var byKind = new Dictionary<string, IConnectorKind>(StringComparer.OrdinalIgnoreCase);
        foreach (var kind in kinds)
        {
            if (!byKind.TryAdd(kind.Kind, kind))
            {
                throw new InvalidOperationException($"Two connector kinds are registered as '{kind.Kind}'.");
            }
        }

        foreach (var section in configuration.GetSection(SectionName).GetChildren())
        {
            var kindName = section["Kind"]?.Trim() ?? "";
            if (!byKind.TryGetValue(kindName, out var kind))
            {
                throw new InvalidOperationException(
                    $"{SectionName}:{section.Key}:Kind must be one of {string.Join(", ", byKind.Keys.Order())}; it is '{kindName}'.");
            }

            connectors[section.Key] = new Entry(new ConfiguredConnector(section.Key, kind.Kind, kind.Operations), kind, section);
        }

        All = [.. connectors.Values.Select(e => e.Connector).OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase)];
        ChangeToken.OnChange(configuration.GetReloadToken, () =>
        {
            foreach (var entry in connectors.Values)
            {
                entry.Rebuild();
            }
        });
    }

    public IReadOnlyList<ConfiguredConnector> All { get; }

    public ConfiguredConnector? Find(string name) => connectors.TryGetValue(name, out var entry) ? entry.Connector : null;

    public IReadOnlyList<string> ValidateInput(string connector, string operation, JsonObject input)
    {
        if (Resolve(connector, operation, out var entry, out var found) is { } problem)
        {
            return [problem];
        }

        var problems = InputValidator.Validate(found!.InputSchema, input);
        return entry!.Kind is IChecksInput checks ? [.. problems, .. checks.CheckInput(found.Name, input)] : problems;
    }

    public async Task<JsonNode?> InvokeAsync(string connector, string operation, JsonObject input, string idempotencyKey,
        TimeSpan? timeout, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(idempotencyKey);
        if (Resolve(connector, operation, out var entry, out var op) is { } unknown)
        {
            throw new ConnectorException(unknown, retryable: false);
        }

        var scrubber = entry!.Scrubber;
        var problems = InputValidator.Validate(op!.InputSchema, input);
        if (problems.Count > 0)
        {
            throw new ConnectorException(scrubber.Scrub($"Connector '{entry.Connector.Name}' {op.Name}: {string.Join(" ", problems)}"),
                retryable: false);
        }

        var limit = OutboundHttp.EffectiveTimeout(timeout ?? TimeSpan.Zero);
        var request = new ConnectorRequest(entry.Connector.Name, entry.Settings, op.Name, input, idempotencyKey, limit);
        var started = Stopwatch.GetTimestamp();
        try
        {
            // The kinds time their own calls; this bounds the whole attempt, token request included.
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(limit * 2);
            var output = scrubber.Scrub(await entry.Kind.ExecuteAsync(request, deadline.Token));
            logger.LogInformation("Connector {Connector} {Operation} succeeded in {ElapsedMs:0} ms",
                request.ConnectorName, request.Operation, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return output;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Inner exceptions are dropped: their messages were not written with secrets in mind.
            var failure = ex switch
            {
                ConnectorException known => new ConnectorException(scrubber.Scrub(known.Message), known.Retryable, known.StatusCode)
                {
                    RetryAfter = known.RetryAfter,
                    Output = scrubber.Scrub(known.Output),
                },
                OperationCanceledException => new ConnectorException(
                    $"Connector '{request.ConnectorName}' {request.Operation}: did not finish within {(limit * 2).TotalSeconds:0.###} s.",
                        retryable: true),
                _ => new ConnectorException(
                    scrubber.Scrub($"Connector '{request.ConnectorName}' {request.Operation} failed: {ex.GetType().Name}: {ex.Message}"),
                        retryable: false),
            };
            logger.LogWarning("Connector {Connector} {Operation} failed after {ElapsedMs:0} ms (retryable: {Retryable}): {Reason}",
                request.ConnectorName, request.Operation, Stopwatch.GetElapsedTime(started).TotalMilliseconds, failure.Retryable, failure.Message);
            throw failure;
        }
    }

    private string? Resolve(string connector, string operation, out Entry? entry, out ConnectorOperation? found)
    {
        found = null;
        if (!connectors.TryGetValue(connector, out entry))
        {
            var known = connectors.Count == 0 ? "none is configured" : $"configured: {string.Join(", ", All.Select(c => c.Name))}";
            return $"There is no connector '{connector}' ({known}).";
        }

        found = entry.Kind.Operations.FirstOrDefault(o => o.Name.Equals(operation, StringComparison.OrdinalIgnoreCase));
        return found is null
            ? $"Connector '{entry.Connector.Name}' ({entry.Kind.Kind}) has no operation '{operation}'; it has " +
                $"{string.Join(", ", entry.Kind.Operations.Select(o => o.Name))}."
            : null;
    }

    private sealed record Entry(ConfiguredConnector Connector, IConnectorKind Kind, IConfigurationSection Settings)
    {
        private SecretScrubber? scrubber;

        /// <summary>Built from the settings once, and again after the configuration reloads (a rotated secret).</summary>
        public SecretScrubber Scrubber => Volatile.Read(ref scrubber) ?? Rebuild();

        public SecretScrubber Rebuild()
        {
            var fresh = SecretScrubber.For(Settings);
            Volatile.Write(ref scrubber, fresh);
            return fresh;
        }
    }
}
