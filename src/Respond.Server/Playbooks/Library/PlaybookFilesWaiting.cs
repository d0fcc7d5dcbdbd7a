using System.Collections.Concurrent;
using Respond.Domain.Playbooks.Definitions;

namespace Respond.Server.Playbooks.Library;

/// <summary>
/// The playbook files this process did not load because something they name is not configured yet (a connector, a
/// sub-playbook): set-up to do, not broken files. The runbooks list shows such runbooks as not scheduled, with why.
/// </summary>
public sealed class PlaybookFilesWaiting
{
    private readonly ConcurrentDictionary<string, WaitingFile> files = new(StringComparer.Ordinal);

    public IReadOnlyCollection<WaitingFile> All => [.. files.Values.OrderBy(f => f.Id, StringComparer.Ordinal)];

    public void Record(WaitingFile file) => files[file.Id] = file;

    public void Forget(string id) => files.TryRemove(id, out _);
}

/// <summary>A file waiting for set-up: its definition as written, and what it waits for, in words.</summary>
public sealed record WaitingFile(string Id, string RelativePath, PlaybookDefinition Definition, string Reason);
