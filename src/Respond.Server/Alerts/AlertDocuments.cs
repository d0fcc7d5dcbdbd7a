using Respond.Domain.Alerts;

namespace Respond.Server.Alerts;

/// <summary>
/// Every accepted alert, raw payload included, for the record. Its id is derived from the source's
/// duplicate key, so a redelivery collides with it instead of becoming a second alert.
/// </summary>
public sealed record AlertRecord
{
    public Guid Id { get; init; }
    public Guid? IncidentId { get; init; }
    public Disposition Disposition { get; init; }
    public DateTimeOffset ReceivedAt { get; init; }
    public required NormalizedAlert Alert { get; init; }

    /// <summary>The record of an alert as intake decided it; the alert's answer is read from it.</summary>
    public static AlertRecord Of(Guid alertId, IntakeDecision decision, NormalizedAlert alert, DateTimeOffset receivedAt) => new()
    {
        Id = alertId,
        IncidentId = decision.IncidentId,
        Disposition = decision.Disposition,
        ReceivedAt = receivedAt,
        Alert = alert,
    };

    public IngestedAlert ToAnswer() => new(Id, IncidentId, Disposition);
}

/// <summary>
/// Which generation of incident a correlation key is on. The incident's id is derived from the key
/// and this number, so concurrent deliveries that would open one collide on the same stream.
/// </summary>
public sealed record CorrelationSlot
{
    public required string Id { get; init; }
    public int Generation { get; init; }

    public static string IdFor(string source, string correlationKey) => Convert.ToHexStringLower(
        System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{source}\n{correlationKey}")));
}
