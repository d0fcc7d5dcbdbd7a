using System.Text.Json;

namespace Respond.Server.Playbooks.Library;

/// <summary>One playbook file: its path relative to the playbooks folder (with <c>/</c>), the id its name gives, its text.</summary>
public sealed record PlaybookFile(string RelativePath, string Id, string Text);

/// <summary>
/// Finds the playbook files of a folder (SPEC §8): every <c>*.json</c> below it but <c>*.schema.json</c>,
/// one playbook each, named <c>&lt;id&gt;.json</c>. A file that cannot be read, whose id is not its
/// name, or whose id another file also claims is refused with a logged error and left out.
/// </summary>
public static class PlaybookFiles
{
    public const int MaxFileBytes = 1024 * 1024;

    public static IReadOnlyList<PlaybookFile> Read(string folder, ILogger logger)
    {
        var found = new List<PlaybookFile>();
        var paths = Directory.EnumerateFiles(folder, "*.json", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true })
            .Where(p => !p.EndsWith(".schema.json", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            var relative = Path.GetRelativePath(folder, path).Replace('\\', '/');
            if (ReadOne(path, relative, logger) is { } file)
            {
                found.Add(file);
            }
        }

        foreach (var clash in found.GroupBy(f => f.Id, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            logger.LogError("Playbook files {Paths} all hold playbook {PlaybookId}; none of them is loaded until only one does",
                string.Join(", ", clash.Select(f => f.RelativePath)), clash.Key);
        }

        return [.. found.GroupBy(f => f.Id, StringComparer.Ordinal).Where(g => g.Count() == 1).Select(g => g.Single())];
    }

    private static PlaybookFile? ReadOne(string path, string relative, ILogger logger)
    {
        string text;
        try
        {
            if (new FileInfo(path).Length > MaxFileBytes)
            {
                logger.LogError("Playbook file {Path} is larger than {MaxBytes} bytes and was skipped", relative, MaxFileBytes);
                return null;
            }

            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogError("Playbook file {Path} could not be read and was skipped: {Reason}", relative, ex.Message);
            return null;
        }

        var name = Path.GetFileNameWithoutExtension(path);
        var id = DeclaredId(text);
        if (id != name)
        {
            logger.LogError("Playbook file {Path} was refused: a playbook file is named after its id, and this one's id is {DeclaredId}",
                relative, id is null ? "missing" : $"'{id}'");
            return null;
        }

        return new PlaybookFile(relative, id, text);
    }

    /// <summary>The top-level <c>id</c> string, or null when the text is not a JSON object with one (its errors come later).</summary>
    private static string? DeclaredId(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions
            {
                AllowTrailingCommas = true,
                CommentHandling = JsonCommentHandling.Skip,
                MaxDepth = 64,
            });
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("id", out var id)
                && id.ValueKind == JsonValueKind.String
                    ? id.GetString()
                    : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
