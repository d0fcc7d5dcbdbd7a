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

    /// <summary>
    /// Every step on some cycle: the members of each strongly connected component of two or more steps
    /// (iterative Tarjan). A depth-first search that only marks the path behind each back edge misses
    /// steps whose cycle closes through an already finished step.
    /// </summary>
    private void FindCycles(Dictionary<string, PlaybookStep> byId)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var low = new Dictionary<string, int>(StringComparer.Ordinal);
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        var component = new Stack<string>();
        var onCycle = new HashSet<string>(StringComparer.Ordinal);
        var counter = 0;

        foreach (var root in byId.Keys)
        {
            if (index.ContainsKey(root))
            {
                continue;
            }

            var frames = new Stack<(string Id, IEnumerator<string> Next)>();
            void Enter(string id)
            {
                index[id] = low[id] = counter++;
                component.Push(id);
                onStack.Add(id);
                // Self-loops are reported by the validator's next check, not as cycles.
                frames.Push((id, Successors(byId[id]).Where(s => s != id && byId.ContainsKey(s)).Distinct().GetEnumerator()));
            }

            Enter(root);
            while (frames.Count > 0)
            {
                var (id, next) = frames.Peek();
                if (next.MoveNext())
                {
                    var child = next.Current;
                    if (!index.ContainsKey(child))
                    {
                        Enter(child);
                    }
                    else if (onStack.Contains(child))
                    {
                        low[id] = Math.Min(low[id], index[child]);
                    }

                    continue;
                }

                frames.Pop();
                if (frames.Count > 0)
                {
                    var parent = frames.Peek().Id;
                    low[parent] = Math.Min(low[parent], low[id]);
                }

                if (low[id] != index[id])
                {
                    continue;
                }

                var members = new List<string>();
                string member;
                do
                {
                    member = component.Pop();
                    onStack.Remove(member);
                    members.Add(member);
                }
                while (member != id);

                if (members.Count > 1)
                {
                    onCycle.UnionWith(members);
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
                    BranchProblems.Add((member,
                        $"Branch '{branch}' of '{parallel.Id}' leads out of the branch to '{member}'; a branch ends where its path has no next."));
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
