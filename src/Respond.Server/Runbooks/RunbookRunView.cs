using System.Text.Json.Nodes;
using Respond.Domain.Playbooks.Runs;

namespace Respond.Server.Runbooks;

/// <summary>
/// One runbook run with what it measured (SPEC §8): the figures come from its steps' outputs (a connector's own measurements,
/// kept on a failed step too), else from the run's variables (what a <c>set</c> step computed, such as an HTTP drill's RTO).
/// </summary>
public sealed record RunbookRunView(
    Guid RunId,
    int RunbookVersion,
    RunStatus Status,
    string Trigger,
    string StartedBy,
    DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt,
    double? DurationSeconds,
    string? Error,
    double? BackupAgeSeconds,
    double? RestoreSeconds,
    JsonNode? Checks,
    double? RtoSeconds,
    double? RtoTargetSeconds,
    double? RpoSeconds)
{
    public static RunbookRunView Of(PlaybookRun run)
    {
        var outputs = run.Steps.Where(s => s.StartedAt is not null).OrderByDescending(s => s.StartedAt)
            .Select(s => s.Output).OfType<JsonObject>().ToList();

        JsonNode? Figure(string name) =>
            outputs.Select(o => o[name]).FirstOrDefault(v => v is not null) ?? run.Vars[name];

        double? Seconds(string name) => Figure(name) is JsonValue value && value.TryGetValue<double>(out var number) ? Math.Round(number, 3)
            : double.TryParse(Figure(name)?.ToString(), System.Globalization.CultureInfo.InvariantCulture, out var parsed)
                ? Math.Round(parsed, 3)
                : null;

        return new RunbookRunView(run.Id, run.PlaybookVersion, run.Status, run.Trigger, run.StartedBy, run.StartedAt, run.EndedAt,
            run.EndedAt is { } ended ? Math.Round((ended - run.StartedAt).TotalSeconds, 3) : null, run.Error,
            Seconds("backupAgeSeconds"), Seconds("restoreSeconds"), Figure("checks")?.DeepClone(),
            Seconds("rtoSeconds"), Seconds("rtoTargetSeconds"), Seconds("rpoSeconds"));
    }
}
