using System.Text.Json.Nodes;
using Respond.Domain.Playbooks.Definitions;

namespace Respond.Server.Playbooks.Library;

/// <summary>
/// One published version, never changed after it is written. Its id <c>{playbookId}:{version}</c> makes
/// two publishers that picked the same number collide on insert instead of overwriting each other.
/// </summary>
public sealed record PlaybookVersionRecord
{
    public string Id { get; init; } = "";

    public string PlaybookId { get; init; } = "";

    public int Version { get; init; }

    /// <summary>The definition in the file format as <see cref="PlaybookJson.Write"/> writes it.</summary>
    public JsonObject Definition { get; init; } = [];

    /// <summary>SHA-256 of the canonical definition: equal hashes mean the same playbook.</summary>
    public string ContentHash { get; init; } = "";

    public DateTimeOffset PublishedAt { get; init; }

    /// <summary>The user, or <c>file:&lt;path&gt;</c> for a playbook file.</summary>
    public string PublishedBy { get; init; } = "";

    /// <summary><see cref="PlaybookSources"/>: <c>file</c> or <c>api</c>.</summary>
    public string Source { get; init; } = PlaybookSources.Api;

    public static string IdOf(string playbookId, int version) => $"{playbookId}:{version}";

    public PublishedPlaybook ToPublished() =>
        new(PlaybookId, Version, PlaybookJson.Parse(Definition.ToJsonString()), PublishedAt, PublishedBy);
}

public static class PlaybookSources
{
    public const string File = "file";
    public const string Api = "api";
}
