namespace Respond.Server.Approvals;

public static class ApprovalEndpoints
{
    public static void MapApprovals(this WebApplication app)
    {
        var group = app.MapGroup("/api/approvals").WithTags("Approvals");
        ListApprovals.Map(group);
        DecideApprovalEndpoints.Map(group);
    }
}
