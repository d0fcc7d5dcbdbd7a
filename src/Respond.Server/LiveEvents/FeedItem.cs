using System.Text.Json.Serialization;

namespace Respond.Server.LiveEvents;

/// <summary>
/// One change on the live feed: ids, the event's type name (as the timeline names it), the stream's version, when and by
/// whom, and a short summary in Respond's own words. Never free text from alerts, comments or errors, and never a secret:
/// the console reloads what it shows through the API, which applies its own rules.
/// </summary>
public sealed record FeedItem(
    [property: JsonIgnore] long Sequence,
    string Kind,
    string Type,
    Guid Id,
    long Version,
    DateTimeOffset At,
    string Actor,
    string Summary)
{
    public const string IncidentKind = "incident";
    public const string RunKind = "run";
    public const string ApprovalKind = "approval";

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Guid? IncidentId { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Guid? RunId { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Guid? ApprovalId { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? StepId { get; init; }
}
