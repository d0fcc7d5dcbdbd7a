namespace Respond.Domain.Playbooks.Definitions;

/// <summary>
/// The shape of a playbook: what the first step reaches, where cycles are, and which parallel branch
/// each step belongs to. A branch is everything its first step reaches; a path inside it that ends
/// (no next for the outcome) ends the branch, and the parallel step joins its branches.
/// </summary>
public sealed class PlaybookGraph
{
    private PlaybookGraph()
    {
    }

    public HashSet<string> Reachable { get; } = new(StringComparer.Ordinal);

    public List<string> OnCycle { get; } = [];

    public List<(string StepId, string Message)> BranchProblems { get; } = [];

    private readonly Dictionary<string, HashSet<string>> members = new(StringComparer.Ordinal);

    /// <summary>Every step a branch's first step reaches (nested branches included).</summary>
    public IReadOnlySet<string> Members(string branch) => members.TryGetValue(branch, out var m) ? m : new HashSet<string>();

    /// <summary>The innermost parallel step and branch (its first step id) that each step runs in.</summary>
    public Dictionary<string, (string ParallelId, string Branch)> BranchOf { get; } = new(StringComparer.Ordinal);

    public static PlaybookGraph Of(PlaybookDefinition playbook)
    {
        var graph = new PlaybookGraph();
        var byId = playbook.Steps.GroupBy(s => s.Id).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        if (playbook.Entry is { } entry)
        {
            graph.Walk(entry.Id, byId, graph.Reachable);
        }

        graph.FindCycles(byId);
        foreach (var parallel in playbook.Steps.Where(s => s.Type == StepTypes.Parallel && s.Branches is not null))
        {
            graph.MapBranches(parallel, byId);
        }

        return graph;
    }

    private static IEnumerable<string> Successors(PlaybookStep step)
    {
        var next = step.Next?.Targets() ?? [];
        return step.Type == StepTypes.Parallel && step.Branches is not null ? step.Branches.Concat(next) : next;
    }

    private void Walk(string start, Dictionary<string, PlaybookStep> byId, HashSet<string> into, bool followNextOfParallels = true)
    {
        var pending = new Stack<string>([start]);
        while (pending.TryPop(out var id))
        {
            if (!byId.TryGetValue(id, out var step) || !into.Add(id))
            {
                continue;
            }

            foreach (var successor in followNextOfParallels ? Successors(step) : step.Next?.Targets() ?? [])
            {
                pending.Push(successor);
            }
        }
    }

    private void FindCycles(Dictionary<string, PlaybookStep> byId)
    {
        // Iterative three-colour DFS: grey = on the current path.
        var colour = new Dictionary<string, int>(StringComparer.Ordinal);
        var onCycle = new HashSet<string>(StringComparer.Ordinal);
        foreach (var root in byId.Keys)
        {
            if (colour.ContainsKey(root))
            {
                continue;
            }

            var stack = new Stack<(string Id, IEnumerator<string> Next)>();
            colour[root] = 1;
            stack.Push((root, Successors(byId[root]).GetEnumerator()));
            while (stack.Count > 0)
            {
                var (id, next) = stack.Peek();
                if (!next.MoveNext())
                {
                    colour[id] = 2;
                    stack.Pop();
                    continue;
                }

                var child = next.Current;
                if (!byId.ContainsKey(child) || child == id)
                {
                    continue;
                }

                if (!colour.TryGetValue(child, out var c))
                {
                    colour[child] = 1;
                    stack.Push((child, Successors(byId[child]).GetEnumerator()));
                }
                else if (c == 1)
                {
                    // Everything on the path from child to here is on the cycle.
                    foreach (var (onPath, _) in stack.Reverse().SkipWhile(f => f.Id != child))
                    {
                        onCycle.Add(onPath);
                    }
                }
            }
        }

        OnCycle.AddRange(byId.Keys.Where(onCycle.Contains));
    }

    private void MapBranches(PlaybookStep parallel, Dictionary<string, PlaybookStep> byId)
    {
        var after = new HashSet<string>(StringComparer.Ordinal);
        foreach (var target in parallel.Next?.Targets() ?? [])
        {
            Walk(target, byId, after);
        }

        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var branch in parallel.Branches!.Where(byId.ContainsKey))
        {
            var inBranch = new HashSet<string>(StringComparer.Ordinal);
            Walk(branch, byId, inBranch);
            members[branch] = inBranch;
            foreach (var member in inBranch)
            {
                if (member == parallel.Id || after.Contains(member))
                {
                    BranchProblems.Add((member, $"Branch '{branch}' of '{parallel.Id}' leads out of the branch to '{member}'; a branch ends where its path has no next."));
                    continue;
                }

                if (seen.TryGetValue(member, out var other) && other != branch)
                {
                    BranchProblems.Add((member, $"Step '{member}' is in both branch '{other}' and branch '{branch}' of '{parallel.Id}'."));
                    continue;
                }

                seen[member] = branch;
                // Innermost wins: a nested parallel's own mapping overwrites this one when it is mapped later,
                // so map outer branches first by only setting steps that are not already mapped deeper.
                if (!BranchOf.TryGetValue(member, out var existing) || IsOuter(existing.ParallelId, parallel.Id, byId))
                {
                    BranchOf[member] = (parallel.Id, branch);
                }
            }
        }
    }

    // True when 'candidate' is an outer parallel of 'inner' (inner sits inside one of candidate's branches).
    private bool IsOuter(string candidate, string inner, Dictionary<string, PlaybookStep> byId)
    {
        var members = new HashSet<string>(StringComparer.Ordinal);
        foreach (var branch in byId[candidate].Branches ?? [])
        {
            Walk(branch, byId, members);
        }

        return members.Contains(inner);
    }
}
