namespace Respond.Domain.Alerts.Formats;

/// <summary>
/// Where a <c>generic</c> source's fields sit in its JSON body, as JSONPath expressions
/// (<c>$.title</c>, <c>$.entities[*].ip</c>). Bound from <c>Respond:Sources:{name}:Mapping</c>;
/// <see cref="Title"/> and <see cref="Fingerprint"/> are required, the rest optional.
/// </summary>
public sealed record GenericMapping
{
    public string? Title { get; init; }
    public string? Severity { get; init; }

    /// <summary>Names the alert: it is both the duplicate key and the correlation key.</summary>
    public string? Fingerprint { get; init; }

    public string? Category { get; init; }
    public string? Description { get; init; }

    /// <summary>A value of resolved, ok, closed or inactive resolves the alert; anything else fires it.</summary>
    public string? Status { get; init; }

    public string? Hosts { get; init; }
    public string? Accounts { get; init; }
    public string? Ips { get; init; }
    public string? Resources { get; init; }
}
