using System.Text.Json;
using System.Text.Json.Nodes;
using Respond.Domain.Playbooks.Definitions;

namespace Respond.Server.Playbooks.Library;

/// <summary>A published version as the API shows it.</summary>
public sealed record PlaybookVersionView(
    string Id, int Version, JsonObject Definition, string ContentHash, DateTimeOffset PublishedAt, string PublishedBy, string Source)
{
    public static PlaybookVersionView Of(PlaybookVersionRecord record) => new(record.PlaybookId, record.Version, record.Definition,
        record.ContentHash, record.PublishedAt, record.PublishedBy, record.Source);
}

/// <summary>A draft as the API shows it: the saved JSON (parsed; comments dropped), who saved it and when.</summary>
public sealed record PlaybookDraftView(JsonNode? Definition, DateTimeOffset SavedAt, string SavedBy)
{
    private static readonly JsonDocumentOptions Lenient = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
        MaxDepth = 64
    };

    public static PlaybookDraftView Of(PlaybookDraft draft)
        => new(JsonNode.Parse(draft.Json, documentOptions: Lenient), draft.SavedAt, draft.SavedBy);
}

/// <summary>The answer of the write routes: what was saved and every error the playbook still has.</summary>
public sealed record DraftSaved(string Id, DateTimeOffset SavedAt, string SavedBy, bool Valid, IReadOnlyList<ValidationError> Errors);

public sealed record PublishAnswer(string Id, int Version);

public sealed record ValidationAnswer(bool Valid, IReadOnlyList<ValidationError> Errors);
