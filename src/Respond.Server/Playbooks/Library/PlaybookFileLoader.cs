using Marten;
using Respond.Domain.Playbooks.Definitions;
using Respond.Server.Connectors;
using Respond.Server.Storage;

namespace Respond.Server.Playbooks.Library;

/// <summary>
/// Playbooks as code: at start-up, after Marten has applied its schema (hosted services start in
/// order, and storage registers first), every file of <c>Respond:Playbooks:Path</c> is checked and, when
/// valid and different from its latest version, published (source <c>file</c>). Files are checked
/// together, so one may run another. Nothing here stops the server: a bad file is logged with every
/// error and skipped. Restarts and servers starting together publish each change once, since equal
/// content answers the existing version.
/// </summary>
public sealed class PlaybookFileLoader(
    IDocumentStore store,
    IConnectors connectors,
    PlaybookChecker checker,
    PlaybookPublisher publisher,
    PlaybookCatalog catalog,
    PlaybookFileReport report,
    IConfiguration configuration,
    IHostEnvironment host,
    ILogger<PlaybookFileLoader> logger) : IHostedService
{
    public const string PathSetting = "Respond:Playbooks:Path";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await LoadAsync(cancellationToken);
            await catalog.RefreshAsync(cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogError(ex, "Loading the playbook files failed; the published playbooks stay as they were");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task LoadAsync(CancellationToken ct)
    {
        var folder = RepositoryRoot.Resolve(configuration[PathSetting] is { Length: > 0 } path ? path : "playbooks/", host.ContentRootPath);
        if (!Directory.Exists(folder))
        {
            logger.LogInformation("No playbook folder at {Folder}; no playbook files to load", folder);
            return;
        }

        var files = PlaybookFiles.Read(folder, logger);
        report.Scanned(files.Select(f => f.Id));
        var valid = await CheckAllAsync(files, ct);
        var published = 0;
        foreach (var (file, definition) in valid)
        {
            var outcome = await publisher.PublishAsync(definition, PlaybookSources.File, $"file:{file.RelativePath}", null, ct);
            published += outcome.Created ? 1 : 0;
        }

        logger.LogInformation("Loaded {Valid} of {Files} playbook files from {Folder}: {Published} published as new versions",
            valid.Count, files.Count, folder, published);
    }

    /// <summary>
    /// Checks every file against the published playbooks plus the other files; a file that fails is
    /// taken out of that set and the rest checked again, so nothing is published that calls a file
    /// which is not.
    /// </summary>
    private async Task<IReadOnlyList<(PlaybookFile File, PlaybookDefinition Definition)>> CheckAllAsync(
        IReadOnlyList<PlaybookFile> files, CancellationToken ct)
    {
        var candidates = files.ToDictionary(f => f.Id, StringComparer.Ordinal);
        var failures = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var session = store.QuerySession();
        while (true)
        {
            var environment = await PlaybookEnvironment.LoadAsync(connectors, session, candidates.Keys, ct);
            var passed = new List<(PlaybookFile, PlaybookDefinition)>();
            foreach (var file in candidates.Values)
            {
                if (Check(file, environment) is { } definition)
                {
                    passed.Add((file, definition));
                }
                else
                {
                    failures[file.Id] = file.RelativePath;
                }
            }

            if (passed.Count == candidates.Count)
            {
                return passed;
            }

            foreach (var id in failures.Keys)
            {
                candidates.Remove(id);
            }
        }
    }

    private PlaybookDefinition? Check(PlaybookFile file, IPlaybookEnvironment environment)
    {
        PlaybookCheck check;
        try
        {
            check = checker.Check(file.Text, environment);
        }
        catch (MalformedPlaybookException ex)
        {
            logger.LogError("Playbook file {Path} is not valid JSON and was skipped: {Reason}", file.RelativePath, ex.Message);
            return null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A file that trips a fault in validation is still only that file: the others load.
            logger.LogError(ex, "Playbook file {Path} could not be checked and was skipped", file.RelativePath);
            return null;
        }

        if (check.Valid)
        {
            report.Forget(file.Id);
            return check.Definition;
        }

        if (check.Errors.All(PlaybookValidator.IsMissingDependency))
        {
            // The starter library names connectors a site may not have yet: that is set-up to do, not a broken file.
            var missing = string.Join("; ", check.Errors.Select(e => e.Message.TrimEnd('.')).Distinct());
            logger.LogWarning("Playbook file {Path} is not loaded until this is configured: {Missing} (see playbooks/README.md)",
                file.RelativePath, missing);
            if (check.Definition is { } definition)
            {
                report.Record(new WaitingFile(file.Id, file.RelativePath, definition, missing));
            }

            return null;
        }

        logger.LogError("Playbook file {Path} is invalid and was skipped ({Count} errors): {Errors}",
            file.RelativePath, check.Errors.Count,
                string.Join(" | ", check.Errors.Select(e => e.StepId is null ? e.Message : $"{e.StepId}: {e.Message}")));
        return null;
    }
}
