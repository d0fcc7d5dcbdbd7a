using Respond.Domain.Playbooks.Definitions;

namespace Respond.Domain.Tests.Playbooks.Definitions;

public class PlaybookGraphTests
{
    private static readonly PlaybookDefinition Nested = Playbooks.WithSteps(
        """{ "id": "fork", "type": "parallel", "branches": ["notify", "contain"], "next": "done" }""",
        """{ "id": "notify", "type": "action", "connector": "chat", "operation": "post", "input": { "text": "hi" }, "next": "noted" }""",
        """{ "id": "noted", "type": "set", "set": { "notified": true } }""",
        """{ "id": "contain", "type": "parallel", "branches": ["block", "isolate"], "join": "any", "next": "contained" }""",
        """{ "id": "block", "type": "set", "set": { "blocked": true } }""",
        """{ "id": "isolate", "type": "set", "set": { "isolated": true } }""",
        """{ "id": "contained", "type": "incident", "status": "contained" }""",
        """{ "id": "done", "type": "end" }""");

    [Fact]
    public void A_branch_holds_every_step_its_first_step_reaches()
    {
        var graph = PlaybookGraph.Of(Nested);

        Assert.Equal(["noted", "notify"], graph.Members("notify").Order());
        Assert.Equal(["block", "contain", "contained", "isolate"], graph.Members("contain").Order());
        Assert.Equal(["block"], graph.Members("block"));
        Assert.Empty(graph.Members("done"));
    }

    [Fact]
    public void Each_step_runs_in_its_innermost_branch()
    {
        var graph = PlaybookGraph.Of(Nested);

        Assert.Equal(("fork", "notify"), graph.BranchOf["noted"]);
        Assert.Equal(("fork", "contain"), graph.BranchOf["contain"]);
        Assert.Equal(("fork", "contain"), graph.BranchOf["contained"]);
        Assert.Equal(("contain", "block"), graph.BranchOf["block"]);
        Assert.Equal(("contain", "isolate"), graph.BranchOf["isolate"]);
        Assert.False(graph.BranchOf.ContainsKey("fork"));
        Assert.False(graph.BranchOf.ContainsKey("done"));
    }

    [Fact]
    public void Nested_branches_are_valid_and_everything_is_reachable()
    {
        var graph = PlaybookGraph.Of(Nested);

        Assert.Equal(Nested.Steps.Count, graph.Reachable.Count);
        Assert.Empty(graph.OnCycle);
        Assert.Empty(graph.BranchProblems);
        Assert.Empty(Playbooks.Validate(Nested));
    }

    [Fact]
    public void Branches_that_meet_are_a_problem_of_the_shared_step()
    {
        var graph = PlaybookGraph.Of(Playbooks.WithSteps(
            """{ "id": "fork", "type": "parallel", "branches": ["a", "b"], "next": "done" }""",
            """{ "id": "a", "type": "set", "set": { "a": 1 }, "next": "shared" }""",
            """{ "id": "b", "type": "set", "set": { "b": 1 }, "next": "shared" }""",
            """{ "id": "shared", "type": "set", "set": { "s": 1 } }""",
            """{ "id": "done", "type": "end" }"""));

        var (stepId, message) = Assert.Single(graph.BranchProblems);
        Assert.Equal("shared", stepId);
        Assert.Contains("both branch", message, StringComparison.Ordinal);
    }
}
