using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Respond.Domain.Playbooks.Definitions;

/// <summary>
/// A playbook as its JSON says (SPEC §4). One flat record per step, whose <see cref="PlaybookStep.Type"/>
/// says which fields matter: the file format stays one shape, and validation can name every stray field.
/// </summary>
public sealed record PlaybookDefinition
{
    public string Id { get; init; } = "";
    public string Name { get; init; } = "";
    public string? Description { get; init; }

    /// <summary>NIST SP 800-61 phase this playbook serves (e.g. containment), for the library's index.</summary>
    public string? Phase { get; init; }

    public PlaybookTrigger Trigger { get; init; } = new();
    public JsonObject? Vars { get; init; }
    public IReadOnlyList<PlaybookStep> Steps { get; init; } = [];

    public PlaybookStep? Step(string id) => Steps.FirstOrDefault(s => s.Id == id);

    /// <summary>The first step is where a run begins. Not part of the format: it would repeat the first step.</summary>
    [JsonIgnore]
    public PlaybookStep? Entry => Steps.Count > 0 ? Steps[0] : null;
}

public sealed record PlaybookTrigger
{
    /// <summary><see cref="TriggerKinds"/>: incident.opened, incident.severity-changed, alert.correlated, manual, schedule.</summary>
    public string On { get; init; } = TriggerKinds.Manual;
    public string? When { get; init; }
    public string? Cron { get; init; }
    public string? TimeZone { get; init; }
}

public static class TriggerKinds
{
    public const string IncidentOpened = "incident.opened";
    public const string SeverityChanged = "incident.severity-changed";
    public const string AlertCorrelated = "alert.correlated";
    public const string Manual = "manual";
    public const string Schedule = "schedule";

    public static readonly IReadOnlyList<string> All = [IncidentOpened, SeverityChanged, AlertCorrelated, Manual, Schedule];
}

public sealed record PlaybookStep
{
    public string Id { get; init; } = "";
    public string Type { get; init; } = "";
    public string? Name { get; init; }

    /// <summary>Where to go next: one step id, or one per outcome (<c>success</c>, <c>error</c>, <c>approved</c>, …).</summary>
    public StepNext? Next { get; init; }

    public string? Timeout { get; init; }
    public RetryPolicy? Retry { get; init; }

    // action
    public string? Connector { get; init; }
    public string? Operation { get; init; }
    public JsonObject? Input { get; init; }

    // approval
    public ApproverSpec? Approvers { get; init; }
    public string? Message { get; init; }

    // condition
    public string? If { get; init; }

    // parallel
    public IReadOnlyList<string>? Branches { get; init; }
    public string? Join { get; init; }

    // delay
    public string? Duration { get; init; }
    public string? Until { get; init; }

    // set
    public JsonObject? Set { get; init; }

    // incident
    public string? Status { get; init; }
    public string? Severity { get; init; }
    public string? Comment { get; init; }
    public ObservableSpec? Observable { get; init; }
    public string? Summary { get; init; }
    public string? Classification { get; init; }

    // playbook
    public string? Playbook { get; init; }
}

public sealed record RetryPolicy
{
    /// <summary>Counts the first attempt (SPEC §8).</summary>
    public int MaxAttempts { get; init; } = 1;
    public string? Delay { get; init; }

    /// <summary><c>fixed</c> (default) or <c>exponential</c>.</summary>
    public string? Backoff { get; init; }
    public string? MaxDelay { get; init; }
}

public sealed record ApproverSpec
{
    public IReadOnlyList<string> Roles { get; init; } = [];
    public IReadOnlyList<string> Users { get; init; } = [];
    public int Quorum { get; init; } = 1;
}

public sealed record ObservableSpec(string Type, string Value);

/// <summary>
/// How an <c>end</c> step ends its run: <c>completed</c> (the default), or <c>failed</c> with its <c>message</c> as the reason,
/// as a drill that missed its RTO target must.
/// </summary>
public static class EndStatuses
{
    public const string Completed = "completed";
    public const string Failed = "failed";
}

public static class StepTypes
{
    public const string Action = "action";
    public const string Approval = "approval";
    public const string Condition = "condition";
    public const string Parallel = "parallel";
    public const string Delay = "delay";
    public const string Set = "set";
    public const string Incident = "incident";
    public const string Playbook = "playbook";
    public const string End = "end";

    public static readonly IReadOnlyList<string> All = [Action, Approval, Condition, Parallel, Delay, Set, Incident, Playbook, End];

    /// <summary>The outcomes each type may name in <c>next</c>; every type may also name <c>error</c>.</summary>
    public static IReadOnlyList<string> Outcomes(string type) => type switch
    {
        Approval => [Outcome.Approved, Outcome.Rejected, Outcome.Expired, Outcome.Error],
        Condition => [Outcome.True, Outcome.False, Outcome.Error],
        End => [],
        _ => [Outcome.Success, Outcome.Error],
    };
}

public static class Outcome
{
    public const string Success = "success";
    public const string Error = "error";
    public const string Approved = "approved";
    public const string Rejected = "rejected";
    public const string Expired = "expired";
    public const string True = "true";
    public const string False = "false";
}
