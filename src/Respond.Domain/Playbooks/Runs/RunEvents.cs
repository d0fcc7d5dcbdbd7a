using System.Text.Json.Nodes;

namespace Respond.Domain.Playbooks.Runs;

/// <summary>Every run event names its run, who did it and when: the run's stream is its audit trail.</summary>
public interface IRunEvent
{
    Guid RunId { get; }
    string Actor { get; }
    DateTimeOffset At { get; }
}

/// <summary>
/// A run began, pinned to one published version. <paramref name="TriggerKey"/> is the triggering
/// event's identity; the run id is derived from it, so the same event never starts the same playbook twice.
/// <paramref name="HandStarter"/> is the person who started the root of this run's tree by hand (a sub-playbook's
/// run inherits it, for four eyes); null when no person did, and on events written before it existed.
/// </summary>
public sealed record PlaybookRunStarted(
    Guid RunId,
    string PlaybookId,
    int PlaybookVersion,
    string PlaybookName,
    Guid? IncidentId,
    string Trigger,
    string TriggerKey,
    bool StartedByHand,
    Guid? ParentRunId,
    string? ParentStepId,
    JsonObject Vars,
    string Actor,
    DateTimeOffset At,
    string? HandStarter = null) : IRunEvent;

public sealed record StepStarted(Guid RunId, string StepId, string StepType, int Attempt, JsonNode? Input, string Actor, DateTimeOffset At)
    : IRunEvent;

/// <summary><paramref name="Vars"/> holds the variables a <c>set</c> step assigned.</summary>
public sealed record StepSucceeded(
    Guid RunId,
    string StepId,
    int Attempt,
    string Outcome,
    JsonNode? Output,
    JsonObject? Vars,
    string Actor,
    DateTimeOffset At) : IRunEvent;

/// <summary>
/// <paramref name="RetryAt"/> is set when another attempt follows; otherwise the failure is final. <paramref name="Output"/> is
/// what the attempt measured before it failed (a drill's RTO), when it says.
/// </summary>
public sealed record StepFailed(
    Guid RunId,
    string StepId,
    int Attempt,
    string Error,
    DateTimeOffset? RetryAt,
    string Actor,
    DateTimeOffset At,
    JsonNode? Output = null) : IRunEvent;

public sealed record ApprovalRequested(
    Guid RunId,
    Guid ApprovalId,
    string StepId,
    Guid? IncidentId,
    IReadOnlyList<string> Roles,
    IReadOnlyList<string> Users,
    int Quorum,
    string? Message,
    DateTimeOffset ExpiresAt,
    string Actor,
    DateTimeOffset At) : IRunEvent;

/// <summary>One approver's yes; the step goes on once <paramref name="Grants"/> reaches <paramref name="Quorum"/>.</summary>
public sealed record ApprovalGranted(
    Guid RunId,
    Guid ApprovalId,
    string StepId,
    string? Comment,
    int Grants,
    int Quorum,
    string Actor,
    DateTimeOffset At) : IRunEvent;

public sealed record ApprovalRejected(Guid RunId, Guid ApprovalId, string StepId, string? Comment, string Actor, DateTimeOffset At)
    : IRunEvent;

public sealed record ApprovalExpired(Guid RunId, Guid ApprovalId, string StepId, string Actor, DateTimeOffset At) : IRunEvent;

public sealed record PlaybookRunCompleted(Guid RunId, string Actor, DateTimeOffset At) : IRunEvent;

public sealed record PlaybookRunFailed(Guid RunId, string? StepId, string Error, string Actor, DateTimeOffset At) : IRunEvent;

public sealed record PlaybookRunCancelled(Guid RunId, string? Reason, string Actor, DateTimeOffset At) : IRunEvent;

/// <summary>A failed run was retried from its failed step.</summary>
public sealed record PlaybookRunResumed(Guid RunId, string StepId, string Actor, DateTimeOffset At) : IRunEvent;
