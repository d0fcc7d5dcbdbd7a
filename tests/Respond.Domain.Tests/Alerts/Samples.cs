using System.Text.Json;
using Respond.Domain.Alerts;

namespace Respond.Domain.Tests.Alerts;

/// <summary>Loads the sample bodies under Samples/ (copied to the output folder) and parses them.</summary>
internal static class Samples
{
    public static JsonElement Load(string kind, string file)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Samples", kind, file);
        return Json(File.ReadAllText(path));
    }

    public static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 2048 });
        return document.RootElement.Clone();
    }

    public static IReadOnlyList<NormalizedAlert> Parse(string kind, string file) =>
        AlertParsers.Create(kind).Parse("sample", Load(kind, file));

    public static NormalizedAlert ParseSingle(string kind, string file) => Assert.Single(Parse(kind, file));

    public static DateTimeOffset Utc(string iso) =>
        DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal);
}
