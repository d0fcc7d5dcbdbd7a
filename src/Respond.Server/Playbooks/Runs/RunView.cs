using System.Text.Json.Nodes;
using Respond.Domain.Playbooks.Definitions;
using Respond.Domain.Playbooks.Runs;

namespace Respond.Server.Playbooks.Runs;

/// <summary>A run as the API shows it (SPEC §8): every step of the pinned version, in the playbook's order.</summary>
public sealed record RunView(
    Guid Id,
    string PlaybookId,
    int PlaybookVersion,
    string PlaybookName,
    Guid? IncidentId,
    RunStatus Status,
    string Trigger,
    string StartedBy,
    bool StartedByHand,
    Guid? ParentRunId,
    DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt,
    string? Error,
    string? FailedStepId,
    long Version,
    JsonObject Vars,
    IReadOnlyList<RunView.Step> Steps)
{
    public sealed record Step(
        string Id,
        string Type,
        string? Name,
        StepStatus Status,
        int Attempts,
        string? Outcome,
        JsonNode? Input,
        JsonNode? Output,
        string? Error,
        DateTimeOffset? StartedAt,
        DateTimeOffset? EndedAt,
        DateTimeOffset? RetryAt);

    public static RunView Of(PlaybookRun run, PlaybookDefinition? playbook)
    {
        var known = playbook?.Steps.Select(s => (s.Id, s.Type, s.Name)).ToList()
            ?? run.Steps.Select(s => (s.Id, s.Type, (string?)null)).ToList();
        var steps = known.Select(k => run.Step(k.Id) is { } s
            ? new Step(k.Id, k.Type, k.Name, s.Status, s.Attempts, s.Outcome, s.Input, s.Output, s.Error, s.StartedAt, s.EndedAt, s.RetryAt)
            : new Step(k.Id, k.Type, k.Name, run.IsOver ? StepStatus.Skipped : StepStatus.Pending, 0, null, null, null, null, null, null, null));
        return new RunView(run.Id, run.PlaybookId, run.PlaybookVersion, run.PlaybookName, run.IncidentId, run.Status, run.Trigger,
            run.StartedBy, run.StartedByHand, run.ParentRunId, run.StartedAt, run.EndedAt, run.Error, run.FailedStepId, run.Version,
            run.Vars, steps.ToList());
    }
}
