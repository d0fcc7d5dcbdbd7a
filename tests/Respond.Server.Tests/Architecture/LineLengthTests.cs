using Respond.Server.Storage;

namespace Respond.Server.Tests.Architecture;

/// <summary>
/// Lines stay under 150 characters (<c>max_line_length</c> in .editorconfig, which no compiler checks): a line that does
/// not fit a side-by-side diff hides its end in review.
/// </summary>
public class LineLengthTests
{
    private const int MaxLength = 150;

    [Fact]
    public void No_hand_written_line_is_longer_than_150_characters()
    {
        var root = RepositoryRoot.Find(AppContext.BaseDirectory)!;
        var longLines =
            from folder in new[] { "src", "tests", "bench" }
            from file in Directory.EnumerateFiles(Path.Combine(root, folder), "*.cs", SearchOption.AllDirectories)
            let path = Path.GetRelativePath(root, file).Replace('\\', '/')
            where !IsGenerated(path)
            from line in File.ReadLines(file).Select((text, index) => (text, number: index + 1))
            where line.text.Length > MaxLength
            select $"{path}:{line.number} ({line.text.Length})";

        var found = longLines.ToList();
        Assert.True(found.Count == 0, $"{found.Count} lines over {MaxLength} characters:\n{string.Join("\n", found)}");
    }

    // Build output, and the Wolverine handlers codegen writes.
    private static bool IsGenerated(string path) =>
        path.Split('/').Any(part => part is "obj" or "bin") || path.Contains("/Internal/Generated/", StringComparison.Ordinal);
}
