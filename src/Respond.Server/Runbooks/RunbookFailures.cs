using System.Text.Json;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Subscriptions;
using Respond.Domain.Alerts;
using Respond.Domain.Common;
using Respond.Domain.Playbooks.Definitions;
using Respond.Domain.Playbooks.Runs;
using Respond.Server.Alerts;
using Respond.Server.Playbooks.Library;
using Respond.Server.Storage;

namespace Respond.Server.Runbooks;

/// <summary>
/// A failed runbook run becomes an alert from the internal source <c>runbooks</c>. Alerts correlate by runbook, so one that fails
/// every night is one open incident with a new alert each night, and that incident's playbooks take over like any other's.
/// Read from the event store by the async daemon (one process at a time, from where it left off), so a failure recorded
/// while the process stopped is still reported; the alert's id is the run's, so reporting twice stores it once.
/// </summary>
public sealed class RunbookFailures : SubscriptionBase
{
    public const string Source = "runbooks";

    /// <summary>Where a runbook sets the severity of its failures (<c>vars</c>, overridable in settings); high when it does not.</summary>
    public const string SeverityVar = "failureSeverity";

    private readonly IServiceProvider services;

    public RunbookFailures(IServiceProvider services)
    {
        this.services = services;
        Name = "RunbookFailures";
        IncludeType<PlaybookRunFailed>();
    }

    public override async Task<IChangeListener> ProcessEventsAsync(EventRange page, ISubscriptionController controller,
        IDocumentOperations operations, CancellationToken cancellationToken)
    {
        var catalog = services.GetRequiredService<IPlaybookCatalog>();
        var intake = services.GetRequiredService<AlertIngestor>();
        foreach (var failed in page.Events.Select(e => e.Data).OfType<PlaybookRunFailed>())
        {
            if (await operations.LoadAsync<PlaybookRun>(failed.RunId, cancellationToken) is not { IncidentId: null } run
                || await catalog.GetAsync(run.PlaybookId, run.PlaybookVersion, cancellationToken) is not { } playbook
                || playbook.Definition.Trigger.On != TriggerKinds.Schedule)
            {
                continue; // Not a runbook's run: an incident's run fails on that incident's own timeline.
            }

            await ReportAsync(intake, AlertOf(run, failed), cancellationToken);
        }

        return NullChangeListener.Instance;
    }

    /// <summary>
    /// Waits out a database that is away for a while rather than let the daemon give up on the event: a failure reported late
    /// is an incident; one skipped is a failing backup nobody hears of.
    /// </summary>
    private static async Task ReportAsync(AlertIngestor intake, NormalizedAlert alert, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await intake.IngestAsync(alert, ct);
                return;
            }
            catch (Exception ex) when (StorageFailures.IsUnavailable(ex) && attempt < 8 && !ct.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(30, 1 << attempt)), ct);
            }
        }
    }

    internal static NormalizedAlert AlertOf(PlaybookRun run, PlaybookRunFailed failed)
    {
        var severity = SeverityNames.TryParse(run.Vars[SeverityVar]?.ToString(), out var chosen) ? chosen : Severity.High;
        var raw = new Dictionary<string, object?>
        {
            ["runbookId"] = run.PlaybookId,
            ["runbookVersion"] = run.PlaybookVersion,
            ["runId"] = run.Id,
            ["stepId"] = failed.StepId,
            ["error"] = failed.Error,
            ["failedAt"] = failed.At,
        };
        return new NormalizedAlert
        {
            Source = Source,
            Kind = "runbook",
            ExternalId = run.Id.ToString(),
            DedupKey = run.Id.ToString(),
            CorrelationKey = run.PlaybookId,
            Title = $"Runbook failed: {run.PlaybookName}",
            Description = failed.StepId is null ? failed.Error : $"{failed.StepId}: {failed.Error}",
            Severity = severity,
            Status = AlertStatus.Firing,
            FiredAt = failed.At,
            Category = "RunbookFailure",
            Entities = EntitySet.Of(resources: [$"runbook:{run.PlaybookId}"]),
            Labels = new Dictionary<string, string> { ["runbook"] = run.PlaybookId, ["runId"] = run.Id.ToString() },
            Raw = JsonSerializer.SerializeToElement(raw),
        };
    }
}
