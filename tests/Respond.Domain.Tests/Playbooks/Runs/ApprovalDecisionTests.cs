using Respond.Domain.Playbooks.Runs;

namespace Respond.Domain.Tests.Playbooks.Runs;

public sealed class ApprovalDecisionTests
{
    private const string Approve = """
        { "id": "p", "name": "p", "steps": [
          { "id": "ask", "type": "approval", "approvers": { "roles": ["approver"], "users": ["carol"], "quorum": QUORUM },
            "timeout": "PT30M", "message": "Block {{ incident.entities.ips[0] }}?",
            "next": { "approved": "block", "rejected": "done", "expired": "done" } },
          { "id": "block", "type": "action", "connector": "firewall", "operation": "block-ip", "next": "done" },
          { "id": "done", "type": "end" } ] }
        """;

    private static readonly IReadOnlySet<string> ApproverRoles = new HashSet<string> { "viewer", "approver" };
    private static readonly IReadOnlySet<string> ResponderRoles = new HashSet<string> { "viewer", "responder" };

    private static RunFixture Started(int quorum = 1, bool byHand = false, string actor = "playbook:p")
    {
        var run = new RunFixture(Approve.Replace("QUORUM", quorum.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        run.Start(byHand, actor);
        return run;
    }

    private static Guid ApprovalId(RunFixture run) => Assert.Single(run.EventsOf<ApprovalRequested>()).ApprovalId;

    [Fact]
    public void An_approval_step_asks_and_arms_its_expiry_timer()
    {
        var run = Started();

        var asked = Assert.Single(run.EventsOf<ApprovalRequested>());
        Assert.Equal(RunFixture.T0.AddMinutes(30), asked.ExpiresAt);
        Assert.Equal("Block 203.0.113.7?", asked.Message);
        Assert.Equal(asked.ExpiresAt, Assert.Single(run.Work.OfType<ExpireApprovalAt>()).At);
        Assert.Equal(RunStatus.Waiting, run.Run.Status);
    }

    [Fact]
    public void Approval_by_an_approver_runs_the_risky_step()
    {
        var run = Started();

        run.Decide(new DecideApproval(ApprovalId(run), true, "go", ApproverRoles), "bob");

        Assert.Equal("block", run.LastAction.StepId);
        Assert.Equal(ApprovalStatus.Approved, run.Run.Approvals[0].Status);
        Assert.Equal("bob", run.Run.Approvals[0].DecidedBy);
    }

    [Fact]
    public void Rejection_follows_the_rejected_outcome_and_the_run_still_completes()
    {
        var run = Started();

        run.Decide(new DecideApproval(ApprovalId(run), false, "not this one", ApproverRoles), "bob");

        Assert.Empty(run.Work.OfType<PerformAction>());
        Assert.Equal(RunStatus.Completed, run.Run.Status);
        Assert.Single(run.EventsOf<ApprovalRejected>());
    }

    [Fact]
    public void A_named_user_may_approve_without_the_role()
    {
        var run = Started();

        run.Decide(new DecideApproval(ApprovalId(run), true, null, ResponderRoles), "carol");

        Assert.Equal(ApprovalStatus.Approved, run.Run.Approvals[0].Status);
    }

    [Fact]
    public void Someone_neither_named_nor_in_a_role_is_forbidden()
    {
        var run = Started();

        Assert.Throws<ApprovalForbiddenException>(() => run.Decide(new DecideApproval(ApprovalId(run), true, null, ResponderRoles), "dave"));
    }

    [Fact]
    public void Four_eyes_whoever_started_the_run_by_hand_cannot_approve_it_even_as_admin()
    {
        var run = Started(byHand: true, actor: "bob");
        var admin = new HashSet<string> { "viewer", "responder", "approver", "author", "admin" };

        var refusal = Assert.Throws<ApprovalForbiddenException>(() => run.Decide(new DecideApproval(ApprovalId(run), true, null, admin), "bob"));

        Assert.Contains("Four eyes", refusal.Message);
        run.Decide(new DecideApproval(ApprovalId(run), true, null, ApproverRoles), "erin");
        Assert.Equal(ApprovalStatus.Approved, run.Run.Approvals[0].Status);
    }

    [Fact]
    public void Four_eyes_holds_on_a_run_started_before_the_hand_starter_was_recorded()
    {
        // An event written by an older version: no HandStarter, so the run's own starter by hand counts.
        var started = new PlaybookRunStarted(Guid.NewGuid(), "p", 1, "p", null, "manual", "manual:1", true, null, null, [], "bob",
            DateTimeOffset.UnixEpoch);

        Assert.Equal("bob", PlaybookRun.Evolve(null, started)!.HandStarter);
        Assert.Null(PlaybookRun.Evolve(null, started with { StartedByHand = false, Actor = "playbook:p" })!.HandStarter);
        Assert.Equal("bob", PlaybookRun.Evolve(null, started with { StartedByHand = false, Actor = "playbook:p", HandStarter = "bob" })!.HandStarter);
    }

    [Fact]
    public void A_decided_approval_refuses_every_later_decision()
    {
        var run = Started();
        run.Decide(new DecideApproval(ApprovalId(run), true, null, ApproverRoles), "bob");

        var refusal = Assert.Throws<RunConflictException>(() => run.Decide(new DecideApproval(ApprovalId(run), false, null, ApproverRoles), "erin"));

        Assert.Contains("already approved by bob", refusal.Message);
    }

    [Fact]
    public void A_quorum_needs_that_many_different_approvers_and_nobody_approves_twice()
    {
        var run = Started(quorum: 2);
        var id = ApprovalId(run);

        run.Decide(new DecideApproval(id, true, null, ApproverRoles), "bob");
        Assert.Equal(ApprovalStatus.Pending, run.Run.Approvals[0].Status);
        Assert.Throws<RunConflictException>(() => run.Decide(new DecideApproval(id, true, null, ApproverRoles), "bob"));
        Assert.Empty(run.Work.OfType<PerformAction>());

        run.Decide(new DecideApproval(id, true, null, ApproverRoles), "erin");
        Assert.Equal(ApprovalStatus.Approved, run.Run.Approvals[0].Status);
        Assert.Equal(["bob", "erin"], run.Run.Approvals[0].GrantedBy);
        Assert.Equal("block", run.LastAction.StepId);
    }

    [Fact]
    public void Expiry_takes_the_expired_outcome_and_a_late_timer_after_a_decision_does_nothing()
    {
        var expired = Started();
        expired.Decide(new ExpireApproval(ApprovalId(expired)), "system");
        Assert.Equal(ApprovalStatus.Expired, expired.Run.Approvals[0].Status);
        Assert.Equal(RunStatus.Completed, expired.Run.Status);
        Assert.Empty(expired.Work.OfType<PerformAction>());

        var decided = Started();
        decided.Decide(new DecideApproval(ApprovalId(decided), true, null, ApproverRoles), "bob");
        var late = decided.Decide(new ExpireApproval(ApprovalId(decided)), "system");
        Assert.Empty(late.Events);
    }
}
