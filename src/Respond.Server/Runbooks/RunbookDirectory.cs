using Respond.Domain.Playbooks.Definitions;
using Respond.Server.Connectors;
using Respond.Server.Playbooks.Library;

namespace Respond.Server.Runbooks;

/// <summary>
/// Which runbooks exist and whether each can run: the published playbooks triggered by <c>schedule</c>, plus the runbook files
/// this process left waiting for a connector. A published runbook whose connector has since left the settings is listed too,
/// as not scheduled, rather than fired only to fail.
/// </summary>
public sealed class RunbookDirectory(IPlaybookCatalog catalog, PlaybookFileReport files, IConnectors connectors)
{
    private const string FilePrefix = "file:";

    public async Task<IReadOnlyList<Runbook>> ListAsync(CancellationToken ct)
    {
        var published = await catalog.TriggeredByAsync(TriggerKinds.Schedule, ct);
        var runbooks = published.Select(p => new Runbook(p.Id, p.Definition, p, FileGone(p) ?? MissingConnector(p.Definition))).ToList();
        var known = runbooks.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        runbooks.AddRange(files.Waiting
            .Where(w => w.Definition.Trigger.On == TriggerKinds.Schedule && !known.Contains(w.Id))
            .Select(w => new Runbook(w.Id, w.Definition, null, $"{w.Reason} ({w.RelativePath} is loaded at the next start once it is).")));
        return [.. runbooks.OrderBy(r => r.Id, StringComparer.Ordinal)];
    }

    public async Task<Runbook?> FindAsync(string id, CancellationToken ct) =>
        (await ListAsync(ct)).FirstOrDefault(r => r.Id.Equals(id, StringComparison.Ordinal));

    /// <summary>A runbook published from a file that has since been taken out of the folder: deleting the file stops it.</summary>
    private string? FileGone(PublishedPlaybook playbook) =>
        playbook.PublishedBy.StartsWith(FilePrefix, StringComparison.Ordinal) && files.IsPresent(playbook.Id) == false
            ? $"Its file {playbook.PublishedBy[FilePrefix.Length..]} is no longer in the playbook folder; publish a version to schedule it again."
            : null;

    private string? MissingConnector(PlaybookDefinition definition)
    {
        var missing = definition.Steps
            .Where(s => s.Type == StepTypes.Action && s.Connector is { } name && connectors.Find(name) is null)
            .Select(s => s.Connector!)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
        return missing.Count == 0
            ? null
            : $"No connector {string.Join(", ", missing.Select(m => $"'{m}'"))} is configured " +
              $"({string.Join(", ", missing.Select(m => $"{ConfiguredConnectors.SectionName}:{m}"))}).";
    }
}
