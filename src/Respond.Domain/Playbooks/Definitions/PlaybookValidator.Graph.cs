namespace Respond.Domain.Playbooks.Definitions;

/// <summary>Where steps lead: each next and the graph they make.</summary>
public sealed partial class PlaybookValidator
{
    private static void CheckNext(PlaybookStep step, Dictionary<string, PlaybookStep> byId, Action<string> fail)
    {
        if (step.Next is null)
        {
            return;
        }

        var allowed = StepTypes.Outcomes(step.Type);
        foreach (var outcome in step.Next.Outcomes.Keys.Where(o => !allowed.Contains(o)))
        {
            fail($"next names the outcome '{outcome}', which a {step.Type} step does not have (it has {string.Join(", ", allowed)}).");
        }

        foreach (var target in step.Next.Targets().Where(t => !byId.ContainsKey(t)).Distinct())
        {
            fail($"next leads to '{target}', which is not a step of this playbook.");
        }

        if (step.Next.Targets().Contains(step.Id))
        {
            fail("A step cannot lead to itself; use retry to repeat it.");
        }
    }

    /// <summary>Unreachable steps, branches that leak into the main path, and cycles.</summary>
    private static void CheckGraph(PlaybookDefinition playbook, Dictionary<string, PlaybookStep> byId, Action<string?, string> fail)
    {
        var graph = PlaybookGraph.Of(playbook);
        foreach (var step in playbook.Steps.Where(s => byId.ContainsKey(s.Id) && !graph.Reachable.Contains(s.Id)))
        {
            fail(step.Id, "No step leads here: it is unreachable from the first step.");
        }

        foreach (var stepId in graph.OnCycle)
        {
            fail(stepId, "This step is on a cycle; playbooks are acyclic (use retry to repeat a step).");
        }

        foreach (var (stepId, message) in graph.BranchProblems)
        {
            fail(stepId, message);
        }
    }
}
