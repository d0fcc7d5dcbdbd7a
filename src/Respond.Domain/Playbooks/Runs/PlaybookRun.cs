using System.Text.Json.Nodes;

namespace Respond.Domain.Playbooks.Runs;

public enum RunStatus
{
    Running,
    Waiting,
    Completed,
    Failed,
    Cancelled,
}

public enum StepStatus
{
    Pending,
    Running,
    Waiting,
    Succeeded,
    Failed,
    Skipped,
}

public enum ApprovalStatus
{
    Pending,
    Approved,
    Rejected,
    Expired,
    Cancelled,
}

public sealed record StepState
{
    public string Id { get; init; } = "";
    public string Type { get; init; } = "";
    public StepStatus Status { get; init; }
    public int Attempts { get; init; }

    /// <summary>Attempts since the step last started afresh (a run retry starts a new round).</summary>
    public int RoundAttempts { get; init; }
    public JsonNode? Input { get; init; }
    public JsonNode? Output { get; init; }
    public string? Error { get; init; }
    public string? Outcome { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? EndedAt { get; init; }
    public DateTimeOffset? RetryAt { get; init; }

    public bool IsActive => Status is StepStatus.Running or StepStatus.Waiting;
}

public sealed record ApprovalState
{
    public Guid Id { get; init; }
    public string StepId { get; init; } = "";
    public IReadOnlyList<string> Roles { get; init; } = [];
    public IReadOnlyList<string> Users { get; init; } = [];
    public int Quorum { get; init; } = 1;
    public IReadOnlyList<string> GrantedBy { get; init; } = [];
    public ApprovalStatus Status { get; init; }
    public string? Message { get; init; }
    public DateTimeOffset RequestedAt { get; init; }
    public DateTimeOffset ExpiresAt { get; init; }
    public string? DecidedBy { get; init; }
    public DateTimeOffset? DecidedAt { get; init; }
    public string? Comment { get; init; }
}

/// <summary>
/// A run as its events built it. Immutable: <see cref="Evolve"/> returns a new state, so a fetched
/// aggregate is never changed in place.
/// </summary>
public sealed record PlaybookRun
{
    public Guid Id { get; init; }
    public long Version { get; init; }
    public string PlaybookId { get; init; } = "";
    public int PlaybookVersion { get; init; }
    public string PlaybookName { get; init; } = "";
    public Guid? IncidentId { get; init; }
    public string Trigger { get; init; } = "";
    public string TriggerKey { get; init; } = "";
    public string StartedBy { get; init; } = "";
    public bool StartedByHand { get; init; }

    /// <summary>The person who started this run, or the root of its sub-playbook tree, by hand: four eyes keeps them from approving.</summary>
    public string? HandStarter { get; init; }
    public Guid? ParentRunId { get; init; }
    public string? ParentStepId { get; init; }
    public RunStatus Status { get; init; }
    public JsonObject Vars { get; init; } = [];
    public IReadOnlyList<StepState> Steps { get; init; } = [];
    public IReadOnlyList<ApprovalState> Approvals { get; init; } = [];
    public string? Error { get; init; }
    public string? FailedStepId { get; init; }
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>How many step attempts the run has made, a guard against a runaway run.</summary>
    public int StepStarts { get; init; }

    public bool IsOver => Status is RunStatus.Completed or RunStatus.Failed or RunStatus.Cancelled;

    public StepState? Step(string id) => Steps.FirstOrDefault(s => s.Id == id);

    public ApprovalState? Approval(Guid id) => Approvals.FirstOrDefault(a => a.Id == id);

    public static PlaybookRun? Evolve(PlaybookRun? state, object @event) => (state, @event) switch
    {
        (_, PlaybookRunStarted e) => new PlaybookRun
        {
            Id = e.RunId,
            PlaybookId = e.PlaybookId,
            PlaybookVersion = e.PlaybookVersion,
            PlaybookName = e.PlaybookName,
            IncidentId = e.IncidentId,
            Trigger = e.Trigger,
            TriggerKey = e.TriggerKey,
            StartedBy = e.Actor,
            StartedByHand = e.StartedByHand,
            HandStarter = e.HandStarter ?? (e.StartedByHand ? e.Actor : null),
            ParentRunId = e.ParentRunId,
            ParentStepId = e.ParentStepId,
            Status = RunStatus.Running,
            Vars = (JsonObject)e.Vars.DeepClone(),
            StartedAt = e.At,
            UpdatedAt = e.At,
        },
        (null, _) => null,
        (var s, IRunEvent e) => s.After(e).WithStatus() with { UpdatedAt = e.At },
        (var s, _) => s,
    };

    private PlaybookRun After(IRunEvent @event) => @event switch
    {
        StepStarted e => WithStep(e.StepId, e.StepType, s => s with
        {
            Status = e.StepType is "action" or "condition" or "set" or "incident" or "end" ? StepStatus.Running : StepStatus.Waiting,
            Attempts = s.Attempts + 1,
            RoundAttempts = s.RoundAttempts + 1,
            Input = e.Input?.DeepClone(),
            Error = null,
            RetryAt = null,
            StartedAt = s.StartedAt ?? e.At,
            EndedAt = null,
        }) with
        { StepStarts = StepStarts + 1 },
        StepSucceeded e => WithStep(e.StepId, null, s => s with
        {
            Status = StepStatus.Succeeded,
            Outcome = e.Outcome,
            Output = e.Output?.DeepClone(),
            Error = null,
            EndedAt = e.At,
        }) with
        { Vars = Merge(Vars, e.Vars) },
        StepFailed e => WithStep(e.StepId, null, s => s with
        {
            Status = e.RetryAt is null ? StepStatus.Failed : StepStatus.Waiting,
            Outcome = e.RetryAt is null ? "error" : null,
            Error = e.Error,
            Output = e.Output?.DeepClone() ?? s.Output,
            RetryAt = e.RetryAt,
            EndedAt = e.RetryAt is null ? e.At : null,
        }),
        ApprovalRequested e => this with
        {
            Approvals = [.. Approvals.Where(a => a.Id != e.ApprovalId), new ApprovalState
            {
                Id = e.ApprovalId,
                StepId = e.StepId,
                Roles = e.Roles,
                Users = e.Users,
                Quorum = e.Quorum,
                Message = e.Message,
                RequestedAt = e.At,
                ExpiresAt = e.ExpiresAt,
                Status = ApprovalStatus.Pending,
            }],
        },
        ApprovalGranted e => WithApproval(e.ApprovalId, a => a with
        {
            GrantedBy = [.. a.GrantedBy, e.Actor],
            Status = e.Grants >= e.Quorum ? ApprovalStatus.Approved : ApprovalStatus.Pending,
            DecidedBy = e.Grants >= e.Quorum ? e.Actor : null,
            DecidedAt = e.Grants >= e.Quorum ? e.At : null,
            Comment = e.Comment ?? a.Comment,
        }),
        ApprovalRejected e => WithApproval(e.ApprovalId, a => a with
        {
            Status = ApprovalStatus.Rejected,
            DecidedBy = e.Actor,
            DecidedAt = e.At,
            Comment = e.Comment,
        }),
        ApprovalExpired e => WithApproval(e.ApprovalId, a => a with { Status = ApprovalStatus.Expired, DecidedAt = e.At }),
        PlaybookRunCompleted e => Ended(RunStatus.Completed, e.At),
        PlaybookRunFailed e => Ended(RunStatus.Failed, e.At) with { Error = e.Error, FailedStepId = e.StepId },
        PlaybookRunCancelled e => Ended(RunStatus.Cancelled, e.At) with
        {
            Approvals = Approvals.Select(a => a.Status == ApprovalStatus.Pending ? a with { Status = ApprovalStatus.Cancelled } : a).ToArray(),
        },
        PlaybookRunResumed e => (this with { Status = RunStatus.Running, Error = null, FailedStepId = null, EndedAt = null })
            .WithStep(e.StepId, null, s => s with { RoundAttempts = 0 }),
        _ => this,
    };

    private PlaybookRun Ended(RunStatus status, DateTimeOffset at) => this with
    {
        Status = status,
        EndedAt = at,
        Steps = Steps.Select(s => s.IsActive && status != RunStatus.Failed ? s with { Status = StepStatus.Skipped, EndedAt = at } : s).ToArray(),
    };

    // Waiting when nothing is running but something waits (an approval, a delay, a child run, a retry).
    private PlaybookRun WithStatus() => IsOver
        ? this
        : this with
        {
            Status = Steps.Any(s => s.Status == StepStatus.Running) || !Steps.Any(s => s.Status == StepStatus.Waiting)
                ? RunStatus.Running
                : RunStatus.Waiting,
        };

    private PlaybookRun WithStep(string id, string? type, Func<StepState, StepState> change)
    {
        var existing = Step(id);
        var updated = change(existing ?? new StepState { Id = id, Type = type ?? "" });
        return this with
        {
            Steps = existing is null ? [.. Steps, updated] : Steps.Select(s => s.Id == id ? updated : s).ToArray(),
        };
    }

    private PlaybookRun WithApproval(Guid id, Func<ApprovalState, ApprovalState> change) =>
        this with { Approvals = Approvals.Select(a => a.Id == id ? change(a) : a).ToArray() };

    private static JsonObject Merge(JsonObject vars, JsonObject? assigned)
    {
        if (assigned is null || assigned.Count == 0)
        {
            return vars;
        }

        var merged = (JsonObject)vars.DeepClone();
        foreach (var (name, value) in assigned)
        {
            merged[name] = value?.DeepClone();
        }

        return merged;
    }
}
