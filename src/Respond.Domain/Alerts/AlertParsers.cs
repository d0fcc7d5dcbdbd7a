using Respond.Domain.Alerts.Formats;

namespace Respond.Domain.Alerts;

/// <summary>The alert parser of each source kind (<c>Respond:Sources:{name}:Kind</c>).</summary>
public static class AlertParsers
{
    public static readonly IReadOnlyList<string> Kinds =
        [AzureMonitorParser.Kind, DefenderParser.Kind, AlertmanagerParser.Kind, GrafanaParser.Kind, GenericParser.Kind];

    /// <summary>The parser for a kind; the parsers hold no state, so one can serve every request.</summary>
    /// <exception cref="ArgumentException">
    /// The kind is unknown, or it is <c>generic</c> without a valid <paramref name="mapping"/>.
    /// </exception>
    public static IAlertParser Create(string kind, GenericMapping? mapping = null)
    {
        ArgumentNullException.ThrowIfNull(kind);
        IAlertParser parser = kind.Trim().ToLowerInvariant() switch
        {
            AzureMonitorParser.Kind => new AzureMonitorParser(),
            DefenderParser.Kind => new DefenderParser(),
            AlertmanagerParser.Kind => new AlertmanagerParser(),
            GrafanaParser.Kind => new GrafanaParser(),
            GenericParser.Kind => new GenericParser(
                mapping
                    ?? throw new ArgumentException("A generic source needs a Mapping section (at least Title and Fingerprint).", nameof(mapping))),
            _ => throw new ArgumentException(
                $"Unknown source kind '{kind}'. Known kinds: {string.Join(", ", Kinds)}.", nameof(kind)),
        };
        return new UnicodeGuardedParser(parser);
    }
}
