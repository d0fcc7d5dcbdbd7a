using System.Text.RegularExpressions;
using Respond.Server.Storage;

namespace Respond.Server.Tests.Architecture;

/// <summary>
/// The server's slices (Alerts, Incidents, Playbooks/Runs, …) may use each other, but never in a circle: a cycle
/// means a helper lives in the wrong slice, and a change to one slice then ripples back into itself. Read from the
/// source: each file's <c>using Respond.Server.X</c> and its qualified names <c>X.Type</c>.
/// </summary>
public partial class SliceDependencyTests
{
    [Fact]
    public void No_two_slices_depend_on_each_other_through_any_path()
    {
        var graph = Graph();
        Assert.True(graph.Count >= 8, $"Only {graph.Count} slices were found: the test reads the wrong folder.");

        var cycles = Cycles(graph).ToList();

        Assert.True(cycles.Count == 0, "Slices that depend on each other in a circle:\n" + string.Join("\n", cycles));
    }

    /// <summary>slice → the slices it uses, each with one file that shows it.</summary>
    internal static Dictionary<string, Dictionary<string, string>> Graph()
    {
        var source = Path.Combine(RepositoryRoot.Find(AppContext.BaseDirectory)!, "src", "Respond.Server");
        var files = Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(f => (Path: Path.GetRelativePath(source, f), Text: File.ReadAllText(f)))
            .Select(f => (f.Path, f.Text, Slice: SliceOf(Namespace().Match(f.Text).Groups[1].Value)))
            .Where(f => f.Slice is not null and not "Internal")
            .ToList();
        var slices = files.Select(f => f.Slice!).ToHashSet();

        var graph = slices.ToDictionary(s => s, _ => new Dictionary<string, string>());
        foreach (var (path, text, slice) in files)
        {
            var used = Using().Matches(text).Select(m => SliceOf(m.Groups[1].Value))
                .Concat(Qualified().Matches(text).Select(m => SliceOf(m.Groups[1].Value)));
            foreach (var other in used)
            {
                if (other is not null && other != slice && slices.Contains(other))
                {
                    graph[slice!].TryAdd(other, path);
                }
            }
        }

        return graph;
    }

    /// <summary>The slice of a namespace: <c>Respond.Server.Incidents</c> → Incidents, <c>….Playbooks.Runs</c> → Playbooks.Runs.</summary>
    private static string? SliceOf(string name)
    {
        var parts = name.Replace("Respond.Server.", "", StringComparison.Ordinal).Split('.');
        return parts[0] switch
        {
            "" or "Respond" => null,
            "Playbooks" when parts.Length > 1 => $"Playbooks.{parts[1]}",
            _ => parts[0],
        };
    }

    private static IEnumerable<string> Cycles(Dictionary<string, Dictionary<string, string>> graph)
    {
        foreach (var start in graph.Keys.Order())
        {
            // A shortest path back to the start, breadth first; reported once, from its alphabetically first slice.
            var back = new Dictionary<string, string> { [start] = "" };
            var queue = new Queue<string>([start]);
            while (queue.Count > 0)
            {
                var slice = queue.Dequeue();
                foreach (var next in graph[slice].Keys)
                {
                    if (next == start)
                    {
                        var path = new List<string> { start };
                        for (var at = slice; at != start; at = back[at])
                        {
                            path.Insert(1, at);
                        }

                        if (path.All(p => string.CompareOrdinal(p, start) >= 0))
                        {
                            path.Add(start);
                            yield return "  " + string.Join(" → ", path.Zip(path.Skip(1), (a, b) => $"{a} ({graph[a][b]})")) + $" → {start}";
                        }

                        queue.Clear();
                        break;
                    }

                    if (back.TryAdd(next, slice))
                    {
                        queue.Enqueue(next);
                    }
                }
            }
        }
    }

    [GeneratedRegex(@"^namespace\s+([\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex Namespace();

    [GeneratedRegex(@"^using\s+(?:static\s+)?(?:\w+\s*=\s*)?(Respond\.Server\.[\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex Using();

    // Qualified names the compiler resolves from inside Respond.Server: Storage.StorageFailures, Playbooks.Runs.X, Respond.Server.Auth.Roles.
    [GeneratedRegex(@"(?<![\w.])((?:Respond\.Server\.)?" +
        @"(?:Alerts|Approvals|Auth|Connectors|Hosting|Incidents|Metrics|Runbooks|Sources|Storage|Playbooks\.\w+))\.[A-Z]")]
    private static partial Regex Qualified();
}
