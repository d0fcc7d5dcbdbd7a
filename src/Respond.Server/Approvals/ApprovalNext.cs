using System.Text.Json.Nodes;
using Respond.Domain.Playbooks.Definitions;

namespace Respond.Server.Approvals;

/// <summary>
/// The step an approval lets run, as the pinned playbook version writes it. <see cref="Input"/> is the step's input as
/// authored; <see cref="Rendered"/> is that input with its <c>{{ … }}</c> filled in from the run and incident as they are now
/// (pending approvals only; the step renders again when it runs), or <see cref="RenderError"/> says why it cannot be. Only
/// what the run's API already shows goes in: connector credentials live in settings, never in a playbook.
/// </summary>
public sealed record ApprovalNext(string Id, string Type, string? Name, string? Connector, string? Operation, JsonNode? Input,
    JsonNode? Rendered = null, string? RenderError = null)
{
    /// <summary>The step the <c>approved</c> outcome leads to, or null when approving ends the path (or the version is unknown).</summary>
    public static ApprovalNext? After(PlaybookDefinition? playbook, string approvalStepId)
    {
        if (playbook?.Step(approvalStepId)?.Next?.For(Outcome.Approved) is not { } nextId || playbook.Step(nextId) is not { } step)
        {
            return null;
        }

        return new ApprovalNext(step.Id, step.Type, step.Name, step.Connector, step.Operation, InputOf(step));
    }

    /// <summary>What the step will do, in the fields its type uses (an action's input; an incident change; a sub-playbook…).</summary>
    private static JsonObject? InputOf(PlaybookStep step)
    {
        if (step.Input is { } input)
        {
            return (JsonObject)input.DeepClone();
        }

        var fields = new JsonObject();
        Add(fields, "status", step.Status);
        Add(fields, "severity", step.Severity);
        Add(fields, "comment", step.Comment);
        Add(fields, "summary", step.Summary);
        Add(fields, "classification", step.Classification);
        Add(fields, "playbook", step.Playbook);
        Add(fields, "duration", step.Duration);
        Add(fields, "until", step.Until);
        Add(fields, "if", step.If);
        if (step.Observable is { } observable)
        {
            fields["observable"] = new JsonObject { ["type"] = observable.Type, ["value"] = observable.Value };
        }

        if (step.Set is { } set)
        {
            fields["set"] = set.DeepClone();
        }

        return fields.Count == 0 ? null : fields;
    }

    private static void Add(JsonObject fields, string name, string? value)
    {
        if (value is not null)
        {
            fields[name] = value;
        }
    }
}
