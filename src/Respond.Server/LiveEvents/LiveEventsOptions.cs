using Respond.Domain.Playbooks.Definitions;

namespace Respond.Server.LiveEvents;

/// <summary><c>Respond:Events:*</c>: the live feed's heartbeat (ISO-8601), streams per user, replay cap and client buffer.</summary>
public sealed record LiveEventsOptions(TimeSpan Heartbeat, int MaxStreamsPerUser, int ReplayLimit, int ClientBuffer)
{
    public static LiveEventsOptions From(IConfiguration config)
    {
        var section = config.GetSection("Respond:Events");
        var heartbeat = IsoDuration.Parse(section["Heartbeat"]) is { } h && h > TimeSpan.Zero ? h : TimeSpan.FromSeconds(15);
        return new LiveEventsOptions(
            heartbeat,
            Math.Max(1, section.GetValue("MaxStreamsPerUser", 10)),
            Math.Max(1, section.GetValue("ReplayLimit", 1_000)),
            Math.Max(16, section.GetValue("ClientBuffer", 1_000)));
    }
}
