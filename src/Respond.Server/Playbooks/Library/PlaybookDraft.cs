namespace Respond.Server.Playbooks.Library;

/// <summary>The one draft of a playbook (keyed by its id): the JSON exactly as its author last saved it, valid or not.</summary>
public sealed record PlaybookDraft
{
    public string Id { get; init; } = "";

    public string Json { get; init; } = "";

    public string SavedBy { get; init; } = "";

    public DateTimeOffset SavedAt { get; init; }

    /// <summary>New on every save, so publishing this draft removes this draft and never a newer one.</summary>
    public Guid Revision { get; init; }
}
