using System.Text.Json.Nodes;

namespace Respond.Domain.Playbooks.Runs;

/// <summary>What the run engine needs from outside for one decision: the incident's JSON, who acts, and when.</summary>
public sealed record RunContext(JsonNode? Incident, JsonNode? Alerts, string Actor, DateTimeOffset Now);

// Commands are imperatives; the engine answers each with events and follow-up work.
public sealed record StartRun(
    Guid RunId,
    int PlaybookVersion,
    Guid? IncidentId,
    string Trigger,
    string TriggerKey,
    bool ByHand,
    JsonObject Vars,
    Guid? ParentRunId = null,
    string? ParentStepId = null,
    string? HandStarter = null);

public abstract record RunCommand;

/// <summary>The outcome of one attempt of an action or incident step.</summary>
public sealed record RecordStepResult(string StepId, int Attempt, bool Succeeded, JsonNode? Output, string? Error, bool Retryable)
    : RunCommand;

/// <summary>A delay ended, or a retry's wait is over.</summary>
public sealed record WakeStep(string StepId, int Attempt) : RunCommand;

public sealed record DecideApproval(Guid ApprovalId, bool Approve, string? Comment, IReadOnlySet<string> ActorRoles) : RunCommand;

public sealed record ExpireApproval(Guid ApprovalId) : RunCommand;

/// <summary>
/// A child run ended (the fact is <c>ChildRunEnded</c> throughout): the parent's <c>playbook</c> step it was started by goes on.
/// </summary>
public sealed record RecordChildRunEnded(string StepId, Guid ChildRunId, bool Succeeded, string? Error, JsonObject? Vars) : RunCommand;

public sealed record CancelRun(string? Reason) : RunCommand;

public sealed record RetryRun : RunCommand;

/// <summary>Follow-up work a decision asks for; the host enqueues it in the same transaction as the events.</summary>
public abstract record RunWork;

/// <summary>Call a connector; the result comes back as <see cref="RecordStepResult"/>.</summary>
public sealed record PerformAction(string StepId, int Attempt, string Connector, string Operation, JsonObject Input, TimeSpan Timeout)
    : RunWork;

/// <summary>A durable timer: at <paramref name="At"/>, send <see cref="WakeStep"/>.</summary>
public sealed record WakeAt(string StepId, int Attempt, DateTimeOffset At) : RunWork;

/// <summary>A durable timer: at <paramref name="At"/>, send <see cref="ExpireApproval"/>.</summary>
public sealed record ExpireApprovalAt(Guid ApprovalId, DateTimeOffset At) : RunWork;

/// <summary>Start a sub-playbook's run; <paramref name="HandStarter"/> carries four eyes down to it.</summary>
public sealed record StartChildRun(string StepId, Guid ChildRunId, string PlaybookId, JsonObject Vars, string? HandStarter = null) : RunWork;

/// <summary>Stop a child run whose parent step gave up on it.</summary>
public sealed record CancelChildRun(Guid ChildRunId, string Reason) : RunWork;

/// <summary>This run ended and a parent's step waits for it: tell the parent (it receives <see cref="RecordChildRunEnded"/>).</summary>
public sealed record ReportChildRunEnded(Guid ParentRunId, string ParentStepId, Guid ChildRunId, bool Succeeded, string? Error, JsonObject Vars)
    : RunWork;

/// <summary>
/// Change the run's incident. Applied by the host inside the same transaction (it appends to the
/// incident's stream), then fed back as <see cref="RecordStepResult"/>.
/// </summary>
public sealed record ChangeIncident(string StepId, int Attempt, IncidentChange Change) : RunWork;

public sealed record IncidentChange(
    string? Status,
    string? Severity,
    string? Comment,
    string? ObservableType,
    string? ObservableValue,
    string? Summary,
    string? Classification);

public sealed record RunDecision(PlaybookRun? State, IReadOnlyList<object> Events, IReadOnlyList<RunWork> Work)
{
    public static RunDecision Nothing(PlaybookRun? state) => new(state, [], []);
}

/// <summary>A command the run's state refuses (HTTP 409).</summary>
public sealed class RunConflictException(string message) : Exception(message);

/// <summary>A person who may not make this decision (HTTP 403): not an approver, or four eyes.</summary>
public sealed class ApprovalForbiddenException(string message) : Exception(message);
