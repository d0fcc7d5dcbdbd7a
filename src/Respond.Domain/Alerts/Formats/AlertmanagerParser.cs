using System.Text.Json;
using Respond.Domain.Common;

namespace Respond.Domain.Alerts.Formats;

/// <summary>
/// Prometheus Alertmanager's <c>webhook_config</c> body, version 4: one delivery per alert group,
/// one normalised alert per element of <c>alerts</c>, correlated by the delivery's <c>groupKey</c>.
/// </summary>
public sealed class AlertmanagerParser : IAlertParser
{
    public const string Kind = "alertmanager";
    public const string Version = "4";

    public IReadOnlyList<NormalizedAlert> Parse(string source, JsonElement body)
    {
        JsonRead.RequireObject(body, Kind);

        // Alertmanager has sent "4" since 0.x; a different number would mean a changed shape. Imitators
        // (hand-written curl tests, some relays) leave the version out, and that is tolerated.
        var version = JsonRead.Text(JsonRead.Prop(body, "version"));
        if (version is not null && version != Version)
        {
            throw new AlertFormatException(
                $"Unsupported Alertmanager webhook 'version' '{(version.Length > 16 ? version[..16] + "…" : version)}'; expected '{Version}'.");
        }

        return AlertList.Parse(Kind, "Alertmanager webhook", source, body, deliveryTitle: null);
    }

    /// <summary>Label <c>severity</c>: critical, error/high, warning, info; anything else is medium.</summary>
    public static Severity MapSeverity(string? severity) => AlertList.MapSeverity(severity);
}
