using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Respond.Server.Storage;

namespace Respond.Server.Tests.Snapshots;

/// <summary>
/// Compares an API answer with a committed snapshot (<c>Snapshots/&lt;name&gt;.json</c>), after replacing what differs on
/// every run: ids become <c>&lt;id:N&gt;</c> in order of appearance, times <c>&lt;time&gt;</c>. A missing or different
/// snapshot fails and writes <c>&lt;name&gt;.received.json</c> beside it; <c>RESPOND_UPDATE_SNAPSHOTS=1</c> accepts it.
/// </summary>
public static partial class JsonSnapshot
{
    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static void Matches(string name, JsonNode? actual)
    {
        var text = Normalise(actual);
        var folder = Path.Combine(RepositoryRoot.Find(AppContext.BaseDirectory)!, "tests", "Respond.Server.Tests", "Snapshots");
        var expected = Path.Combine(folder, name + ".json");
        var received = Path.Combine(folder, name + ".received.json");
        if (Environment.GetEnvironmentVariable("RESPOND_UPDATE_SNAPSHOTS") == "1")
        {
            File.WriteAllText(expected, text);
        }

        if (File.Exists(expected) && File.ReadAllText(expected).ReplaceLineEndings("\n") == text)
        {
            File.Delete(received);
            return;
        }

        File.WriteAllText(received, text);
        Assert.Fail($"The public JSON of {name} changed (or has no snapshot yet). Compare {received} with {expected}; " +
                    "if the change is intended, run the test again with RESPOND_UPDATE_SNAPSHOTS=1 and commit the snapshot.");
    }

    private static string Normalise(JsonNode? node)
    {
        var ids = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var text = JsonSerializer.Serialize(node, Indented);
        text = Guid().Replace(text, m => $"<id:{(ids.TryGetValue(m.Value, out var n) ? n : ids[m.Value] = ids.Count + 1)}>");
        return IsoTime().Replace(text, "<time>").ReplaceLineEndings("\n") + "\n";
    }

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", RegexOptions.IgnoreCase)]
    private static partial Regex Guid();

    [GeneratedRegex(@"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")]
    private static partial Regex IsoTime();
}
