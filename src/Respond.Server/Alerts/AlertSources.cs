using System.Text;
using Microsoft.Extensions.Options;
using Respond.Domain.Alerts;
using Respond.Domain.Alerts.Formats;
using Respond.Server.Auth;

namespace Respond.Server.Alerts;

public sealed class SourceOptions
{
    public string? Kind { get; set; }
    public string? Token { get; set; }
    public string? SigningSecret { get; set; }
    public MappingOptions? Mapping { get; set; }
    public SourceRateLimit RateLimit { get; set; } = new();
}

/// <summary><c>Respond:Sources:{name}:Mapping</c> of a generic source, as the contract spells its keys.</summary>
public sealed class MappingOptions
{
    public string? Title { get; set; }
    public string? Severity { get; set; }
    public string? Fingerprint { get; set; }
    public string? Category { get; set; }
    public string? Description { get; set; }
    public string? Status { get; set; }
    public EntityPaths Entities { get; set; } = new();

    public GenericMapping ToMapping() => new()
    {
        Title = Title,
        Severity = Severity,
        Fingerprint = Fingerprint,
        Category = Category,
        Description = Description,
        Status = Status,
        Hosts = Entities.Hosts,
        Accounts = Entities.Accounts,
        Ips = Entities.Ips,
        Resources = Entities.Resources,
    };
}

public sealed class EntityPaths
{
    public string? Hosts { get; set; }
    public string? Accounts { get; set; }
    public string? Ips { get; set; }
    public string? Resources { get; set; }
}

/// <summary>A token bucket per source: a storm from one sender cannot starve the others.</summary>
public sealed class SourceRateLimit
{
    public int PermitsPerSecond { get; set; } = 500;
    public int Burst { get; set; } = 2000;
}

/// <summary>An alert source, configured or added in the console. Secrets are held as digests or raw keys here and nowhere else.</summary>
public sealed class AlertSource
{
    internal AlertSource(string name, string kind, IAlertParser parser, byte[]? tokenDigest, byte[]? signingKey, SourceRateLimit rateLimit)
    {
        Name = name;
        Kind = kind;
        Parser = parser;
        TokenDigest = tokenDigest;
        SigningKey = signingKey;
        RateLimit = rateLimit;
    }

    public string Name { get; }
    public string Kind { get; }
    public IAlertParser Parser { get; }
    internal byte[]? TokenDigest { get; }
    internal byte[]? SigningKey { get; }
    public SourceRateLimit RateLimit { get; }

    /// <summary>Whether a token can prove a delivery (not the token itself).</summary>
    public bool HasToken => TokenDigest is not null;

    /// <summary>Whether a signature can prove a delivery (not the key itself).</summary>
    public bool HasSigningKey => SigningKey is not null;
}

/// <summary>The sources of <c>Respond:Sources</c>, checked once at start-up.</summary>
public sealed class AlertSources
{
    private readonly Dictionary<string, AlertSource> sources = new(StringComparer.OrdinalIgnoreCase);

    public AlertSources(IOptions<Dictionary<string, SourceOptions>> options, ILogger<AlertSources> logger)
    {
        foreach (var (name, source) in options.Value)
        {
            var kind = source.Kind?.Trim().ToLowerInvariant() ?? "";
            if (!AlertParsers.Kinds.Contains(kind))
            {
                throw new InvalidOperationException(
                    $"Respond:Sources:{name}:Kind must be one of {string.Join(", ", AlertParsers.Kinds)}; it is '{source.Kind}'.");
            }

            if (string.IsNullOrEmpty(source.Token) && string.IsNullOrEmpty(source.SigningSecret))
            {
                logger.LogWarning("Source {Source} has neither a Token nor a SigningSecret: it will refuse every delivery", name);
            }

            var parser = AlertParsers.Create(kind, source.Mapping?.ToMapping());
            sources[name] = new AlertSource(
                name,
                kind,
                parser,
                string.IsNullOrEmpty(source.Token) ? null : SecretComparer.Digest(source.Token),
                string.IsNullOrEmpty(source.SigningSecret) ? null : Encoding.UTF8.GetBytes(source.SigningSecret),
                source.RateLimit);
        }
    }

    public bool TryGet(string name, out AlertSource source) => sources.TryGetValue(name, out source!);

    public IEnumerable<AlertSource> All => sources.Values;
}
