using NJsonSchema;

namespace Respond.Server.Playbooks.Library;

/// <summary>
/// The playbook format's JSON Schema, served at <c>GET /api/playbooks/schema</c> and the first pass of
/// validation. The text is <c>playbooks/playbook.schema.json</c> (editors read that one), embedded in the
/// assembly by the csproj, so there is one copy.
/// </summary>
public static class PlaybookSchema
{
    public const string MediaType = "application/schema+json";

    /// <summary>The embedded resource's name (the csproj's <c>LogicalName</c>).</summary>
    public const string ResourceName = "Respond.Server.playbook.schema.json";

    /// <summary>The schema's text, exactly as the file holds it (its final newline included).</summary>
    public static string Json { get; } = ReadEmbedded();

    private static readonly Lazy<JsonSchema> Loaded = new(() => JsonSchema.FromJsonAsync(Json).GetAwaiter().GetResult());

    /// <summary>The schema compiled once; it only resolves references inside itself, so loading does no I/O.</summary>
    public static JsonSchema Compiled => Loaded.Value;

    private static string ReadEmbedded()
    {
        using var stream = typeof(PlaybookSchema).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The assembly embeds no {ResourceName}: see Respond.Server.csproj.");
        using var reader = new StreamReader(stream, System.Text.Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
