using System.Text.Json.Serialization;

namespace Respond.Domain.Alerts;

/// <summary>Things an alert names: hosts, accounts, IP addresses and cloud resource ids.</summary>
public sealed record EntitySet
{
    public static readonly EntitySet Empty = new();

    public IReadOnlyList<string> Hosts { get; init; } = [];
    public IReadOnlyList<string> Accounts { get; init; } = [];
    public IReadOnlyList<string> Ips { get; init; } = [];
    public IReadOnlyList<string> Resources { get; init; } = [];

    [JsonIgnore]
    public bool IsEmpty => Hosts.Count == 0 && Accounts.Count == 0 && Ips.Count == 0 && Resources.Count == 0;

    public static EntitySet Of(
        IEnumerable<string?>? hosts = null,
        IEnumerable<string?>? accounts = null,
        IEnumerable<string?>? ips = null,
        IEnumerable<string?>? resources = null) => new()
        {
            Hosts = Distinct(hosts),
            Accounts = Distinct(accounts),
            Ips = Distinct(ips),
            Resources = Distinct(resources),
        };

    /// <summary>The union, keeping first-seen order and dropping case-insensitive repeats.</summary>
    public EntitySet Merge(EntitySet other) => IsEmpty ? other : other.IsEmpty ? this : new()
    {
        Hosts = Distinct(Hosts.Concat(other.Hosts)),
        Accounts = Distinct(Accounts.Concat(other.Accounts)),
        Ips = Distinct(Ips.Concat(other.Ips)),
        Resources = Distinct(Resources.Concat(other.Resources)),
    };

    private static string[] Distinct(IEnumerable<string?>? values) => values is null
        ? []
        : values.Where(v => !string.IsNullOrWhiteSpace(v))
            .Select(v => v!.Trim())
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToArray();
}
