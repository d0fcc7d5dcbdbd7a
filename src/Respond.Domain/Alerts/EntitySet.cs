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

    /// <summary>
    /// At most <paramref name="max"/> values of each kind, the newest (last) kept; <paramref name="omitted"/>
    /// counts the values left out.
    /// </summary>
    public EntitySet Newest(int max, out EntityCounts omitted)
    {
        omitted = new EntityCounts(Over(Hosts), Over(Accounts), Over(Ips), Over(Resources));
        return omitted.IsZero ? this : new()
        {
            Hosts = Last(Hosts),
            Accounts = Last(Accounts),
            Ips = Last(Ips),
            Resources = Last(Resources),
        };

        int Over(IReadOnlyList<string> values) => Math.Max(0, values.Count - max);
        IReadOnlyList<string> Last(IReadOnlyList<string> values) => values.Count <= max ? values : values.Skip(values.Count - max).ToArray();
    }

    private static string[] Distinct(IEnumerable<string?>? values) => values is null
        ? []
        : values.Where(v => !string.IsNullOrWhiteSpace(v))
            .Select(v => v!.Trim())
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToArray();
}

/// <summary>A number per entity kind.</summary>
public sealed record EntityCounts(int Hosts = 0, int Accounts = 0, int Ips = 0, int Resources = 0)
{
    public static readonly EntityCounts Zero = new();

    [JsonIgnore]
    public bool IsZero => Hosts == 0 && Accounts == 0 && Ips == 0 && Resources == 0;

    public EntityCounts Plus(EntityCounts other) => other.IsZero ? this : new(
        Hosts + other.Hosts, Accounts + other.Accounts, Ips + other.Ips, Resources + other.Resources);
}
