namespace Respond.Server.Playbooks.Runs;

// Wolverine messages on durable local queues. They carry ids only: the state of record is the run's
// stream, and a message that arrives twice or late finds its work already recorded and does nothing.

/// <summary>
/// An incident event that playbooks may be triggered by was committed. <see cref="Playbooks"/>, when set,
/// names the only playbooks left to evaluate (the alert's path started the others). <see cref="AsOfVersion"/>, when
/// set, is the incident's version right after the event: <c>when</c> is judged on the incident as it was then, not as
/// it is by the time the queue gets to it.
/// </summary>
public sealed record EvaluateTriggers(
    Guid IncidentId, string Trigger, string TriggerKey, IReadOnlyList<string>? Playbooks = null, long? AsOfVersion = null)
{
    public bool Includes(Library.PublishedPlaybook playbook) => Playbooks is null || Playbooks.Contains(playbook.Id);
}

/// <summary>Run one attempt of an action step (its rendered input is on the run's stream).</summary>
public sealed record PerformStep(Guid RunId, string StepId, int Attempt);

/// <summary>A delay is over, or a retry's wait is.</summary>
public sealed record WakeRunStep(Guid RunId, string StepId, int Attempt);

public sealed record ExpireRunApproval(Guid RunId, Guid ApprovalId);

/// <summary>
/// <see cref="HandStarter"/>: who started the root run by hand; <see cref="NoHandStarter"/> when nobody did, null in
/// messages sent before it existed (the parent run is read then).
/// </summary>
public sealed record StartChildPlaybook(Guid ParentRunId, string ParentStepId, Guid ChildRunId, string PlaybookId, Guid? IncidentId, string VarsJson,
    string? HandStarter = null)
{
    public const string NoHandStarter = "";
}

/// <summary>
/// A child run ended: the wire form of the domain's <c>ReportChildRunEnded</c>, applied to the parent as <c>RecordChildRunEnded</c>.
/// </summary>
public sealed record ChildRunEnded(Guid ParentRunId, string ParentStepId, Guid ChildRunId, bool Succeeded, string? Error, string VarsJson);

public sealed record CancelChildPlaybook(Guid ChildRunId, string Reason);
