using System.Collections.Concurrent;
using Respond.Domain.Playbooks.Definitions;

namespace Respond.Server.Playbooks.Library;

/// <summary>
/// What this process found in the playbook folder at start-up: which files are there, and which it did not load because
/// something they name is not configured yet (a connector, a sub-playbook): set-up to do, not broken files. The runbooks
/// list shows such runbooks as not scheduled, with why, and a runbook whose file is gone as not scheduled any more.
/// </summary>
public sealed class PlaybookFileReport
{
    private readonly ConcurrentDictionary<string, WaitingFile> waiting = new(StringComparer.Ordinal);
    private volatile HashSet<string>? present;

    public IReadOnlyCollection<WaitingFile> Waiting => [.. waiting.Values.OrderBy(f => f.Id, StringComparer.Ordinal)];

    /// <summary>Whether a file with this id is in the folder; null when no folder was read.</summary>
    public bool? IsPresent(string id) => present?.Contains(id);

    public void Scanned(IEnumerable<string> ids) => present = new HashSet<string>(ids, StringComparer.Ordinal);

    public void Record(WaitingFile file) => waiting[file.Id] = file;

    public void Forget(string id) => waiting.TryRemove(id, out _);
}

/// <summary>A file waiting for set-up: its definition as written, and what it waits for, in words.</summary>
public sealed record WaitingFile(string Id, string RelativePath, PlaybookDefinition Definition, string Reason);
