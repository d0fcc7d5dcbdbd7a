using Respond.Domain.Playbooks.Runs;

namespace Respond.Server.Approvals;

/// <summary>An approval as the inbox shows it (SPEC §8).</summary>
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
    bool StartedByHand)
{
    public sealed record ApproverList(IReadOnlyList<string> Roles, IReadOnlyList<string> Users);

    public static ApprovalView Of(PlaybookRun run, ApprovalState a) => new(a.Id, run.Id, run.IncidentId, run.PlaybookId, a.StepId,
        a.Status, a.Message, a.RequestedAt, a.ExpiresAt, new ApproverList(a.Roles, a.Users), a.Quorum, a.GrantedBy, a.DecidedBy,
        a.DecidedAt, a.Comment, run.StartedBy, run.StartedByHand);
}
