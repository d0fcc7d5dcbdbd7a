using Respond.Domain.Playbooks.Definitions;
using Respond.Domain.Playbooks.Runs;

namespace Respond.Server.Approvals;

/// <summary>
/// An approval as the inbox shows it (SPEC §8), with the context an approver decides on: the playbook version the run pinned,
/// the approval step's name, and <see cref="Next"/>, what the run does once the step is approved.
/// </summary>
public sealed record ApprovalView(
    Guid Id,
    Guid RunId,
    Guid? IncidentId,
    string PlaybookId,
    string StepId,
    ApprovalStatus Status,
    string? Message,
    DateTimeOffset RequestedAt,
    DateTimeOffset ExpiresAt,
    ApprovalView.ApproverList Approvers,
    int Quorum,
    IReadOnlyList<string> GrantedBy,
    string? DecidedBy,
    DateTimeOffset? DecidedAt,
    string? Comment,
    string StartedBy,
    bool StartedByHand,
    string PlaybookName,
    int PlaybookVersion,
    string? StepName,
    ApprovalNext? Next)
{
    public sealed record ApproverList(IReadOnlyList<string> Roles, IReadOnlyList<string> Users);

    /// <param name="playbook">The version the run pinned; null when it cannot be read (then no step name and no next step).</param>
    public static ApprovalView Of(PlaybookRun run, ApprovalState a, PlaybookDefinition? playbook) => new(a.Id, run.Id, run.IncidentId,
        run.PlaybookId, a.StepId, a.Status, a.Message, a.RequestedAt, a.ExpiresAt, new ApproverList(a.Roles, a.Users), a.Quorum,
        a.GrantedBy, a.DecidedBy, a.DecidedAt, a.Comment, run.StartedBy, run.StartedByHand, run.PlaybookName, run.PlaybookVersion,
        playbook?.Step(a.StepId)?.Name, ApprovalNext.After(playbook, a.StepId));
}
