using System.Text.Json.Nodes;
using Marten;
using Respond.Domain.Playbooks.Definitions;

namespace Respond.Server.Playbooks.Library;

/// <summary>What a publish did: the version that now holds the content, and whether this publish wrote it.</summary>
public sealed record PublishOutcome(string Id, int Version, bool Created);

/// <summary>
/// Publishes a valid definition as the next version, in one transaction with the head (and the removal
/// of the draft it came from). Content equal to the latest version publishes nothing and answers that
/// version, which keeps restarts and concurrent start-ups from piling up copies.
/// </summary>
public sealed class PlaybookPublisher(IDocumentStore store, PlaybookCatalog catalog, TimeProvider clock, ILogger<PlaybookPublisher> logger)
{
    /// <param name="draftRevision">The revision of the draft being published, which is removed with it; null when publishing other content.</param>
    public async Task<PublishOutcome> PublishAsync(
        PlaybookDefinition definition, string source, string publishedBy, Guid? draftRevision, CancellationToken ct)
    {
        var content = JsonNode.Parse(PlaybookJson.Write(definition))!.AsObject();
        var hash = ContentHash.Of(content);
        var outcome = await WriteConflicts.RetryAsync(() => TryPublishAsync(definition, content, hash, source, publishedBy, draftRevision, ct), ct);
        if (outcome.Created)
        {
            logger.LogInformation("Published playbook {PlaybookId} version {Version} ({Source}, by {PublishedBy})",
                outcome.Id, outcome.Version, source, publishedBy);
            // Local triggers see the new version at once, not after the catalog's next refresh.
            await catalog.RefreshAsync(ct);
        }

        return outcome;
    }

    private async Task<PublishOutcome> TryPublishAsync(PlaybookDefinition definition, JsonObject content, string hash,
        string source, string publishedBy, Guid? draftRevision, CancellationToken ct)
    {
        var id = definition.Id;
        await using var session = store.LightweightSession();
        var latest = await session.Query<PlaybookVersionRecord>()
            .Where(v => v.PlaybookId == id)
            .OrderByDescending(v => v.Version)
            .FirstOrDefaultAsync(ct);
        var head = await session.LoadAsync<PlaybookHead>(id, ct);
        var draft = await session.LoadAsync<PlaybookDraft>(id, ct);
        var draftPublished = draft is not null && draftRevision is not null && draft.Revision == draftRevision;
        var now = clock.GetUtcNow();

        if (latest is not null && latest.ContentHash == hash)
        {
            if (draftPublished && head is not null)
            {
                // The draft says what the latest version says: it is no longer a pending change.
                session.Delete(draft!);
                session.Store(head with { HasDraft = false, DraftSavedAt = null, UpdatedAt = now });
                await session.SaveChangesAsync(ct);
            }

            return new PublishOutcome(id, latest.Version, Created: false);
        }

        var version = (latest?.Version ?? 0) + 1;
        session.Insert(new PlaybookVersionRecord
        {
            Id = PlaybookVersionRecord.IdOf(id, version),
            PlaybookId = id,
            Version = version,
            Definition = content.DeepClone().AsObject(),
            ContentHash = hash,
            PublishedAt = now,
            PublishedBy = publishedBy,
            Source = source,
        });
        if (draftPublished)
        {
            session.Delete(draft!);
        }

        var updated = (head ?? new PlaybookHead { Id = id }).Describing(definition) with
        {
            LatestVersion = version,
            PublishedAt = now,
            HasDraft = draft is not null && !draftPublished,
            DraftSavedAt = draftPublished ? null : draft?.SavedAt,
            UpdatedAt = now,
        };
        if (head is null)
        {
            // Insert, not upsert: a racing first publish or first draft makes this collide and retry.
            session.Insert(updated);
        }
        else
        {
            session.Store(updated);
        }

        await session.SaveChangesAsync(ct);
        return new PublishOutcome(id, version, Created: true);
    }
}
