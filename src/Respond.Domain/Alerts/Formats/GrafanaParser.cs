using System.Text.Json;

namespace Respond.Domain.Alerts.Formats;

/// <summary>
/// Grafana alerting's webhook contact point: Alertmanager's list shape plus Grafana's own fields
/// (<c>orgId</c>, <c>title</c>, <c>state</c>, <c>message</c>, per-alert <c>values</c> and URLs).
/// Grafana numbers its own payload version ("1"), so no version is enforced. The legacy
/// (pre-unified-alerting) body has no <c>alerts</c> list and is refused.
/// </summary>
public sealed class GrafanaParser : IAlertParser
{
    public const string Kind = "grafana";

    public IReadOnlyList<NormalizedAlert> Parse(string source, JsonElement body)
    {
        JsonRead.RequireObject(body, Kind);

        // The delivery title ("[FIRING:2] High CPU …") is the last-resort title of an alert with
        // neither a summary annotation nor an alertname label.
        var deliveryTitle = JsonRead.Text(JsonRead.Prop(body, "title"));
        return AlertList.Parse(Kind, "Grafana alerting webhook", source, body, deliveryTitle);
    }
}
