using Marten;
using Respond.Domain.Playbooks.Runs;
using Respond.Server.Auth;
using Respond.Server.Hosting;
using Respond.Server.Playbooks.Library;
using Respond.Server.Playbooks.Runs;

namespace Respond.Server.Approvals;

/// <summary>
/// <c>POST /api/approvals/{id}/approve</c> and <c>/reject</c> <c>{comment}</c>. The decision is an
/// append with the run's version as the fence: of two deciders at once exactly one wins, and the
/// other is told (409) who did. Four eyes and "not an approver" are 403.
/// </summary>
public static class DecideApprovalEndpoints
{
    public sealed record Body(string? Comment);

    public static void Map(RouteGroupBuilder group)
    {
        group.MapPost("/{id:guid}/approve", (Guid id, HttpContext context, IQuerySession query, RunTransitions transitions,
                IPlaybookCatalog catalog, CancellationToken ct) => DecideAsync(id, true, context, query, transitions, catalog, ct))
            .RequireAuthorization(Roles.Approver).Produces<ApprovalView>().ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        group.MapPost("/{id:guid}/reject", (Guid id, HttpContext context, IQuerySession query, RunTransitions transitions,
                IPlaybookCatalog catalog, CancellationToken ct) => DecideAsync(id, false, context, query, transitions, catalog, ct))
            .RequireAuthorization(Roles.Approver).Produces<ApprovalView>().ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
    }

    private static async Task<IResult> DecideAsync(Guid approvalId, bool approve, HttpContext context, IQuerySession query,
        RunTransitions transitions, IPlaybookCatalog catalog, CancellationToken ct)
    {
        var (body, error) = await CommandBodies.ReadAsync<Body>(context.Request, ct);
        if (error is not null)
        {
            return error;
        }

        var runId = await query.Query<PlaybookRun>()
            .Where(r => r.Approvals.Any(a => a.Id == approvalId))
            .Select(r => r.Id)
            .FirstOrDefaultAsync(ct);
        if (runId == Guid.Empty)
        {
            return Problems.NotFound($"No approval {approvalId}.");
        }

        var roles = Roles.All.Where(context.User.IsInRole).ToHashSet();
        var command = new DecideApproval(approvalId, approve, CommandBodies.Trimmed(body?.Comment), roles);
        var (run, refusal) = await RunCommandPipeline.TryApplyAsync(runId, command, context, transitions, ct);
        if (run is null)
        {
            return refusal!;
        }

        var playbook = await catalog.GetAsync(run.PlaybookId, run.PlaybookVersion, ct);
        return Results.Ok(ApprovalView.Of(run, run.Approval(approvalId)!, playbook?.Definition));
    }
}
