namespace Respond.Server.Approvals;

/// <summary>The approvals inbox and decisions: <c>/api/approvals</c> (approvals are steps of runs; they store nothing of their own).</summary>
public static class ApprovalsModule
{
    public static void MapApprovals(this WebApplication app)
    {
        var group = app.MapGroup("/api/approvals").WithTags("Approvals");
        ListApprovals.Map(group);
        DecideApprovalEndpoints.Map(group);
    }
}
