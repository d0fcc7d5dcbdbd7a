using Hangfire;
using Hangfire.Storage;
using Respond.Domain.Playbooks.Definitions;

namespace Respond.Server.Runbooks;

/// <summary>
/// Keeps Hangfire's recurring jobs in step with the runbooks: one job per scheduled runbook, keyed by its id, added, changed and
/// removed as versions are published and files change. Every process does this on start and then every
/// <c>Respond:Runbooks:SyncInterval</c>; the job id is the key in Hangfire's storage, so restarts and several processes on one
/// database keep one job each, and Hangfire fires each slot once (a slot missed while every process was down, once on return).
/// </summary>
public sealed class RunbookSchedules(
    RunbookDirectory directory,
    IRecurringJobManager jobs,
    JobStorage storage,
    IConfiguration configuration,
    ILogger<RunbookSchedules> logger) : BackgroundService
{
    public const string JobPrefix = "runbook:";
    public const string SyncIntervalSetting = "Respond:Runbooks:SyncInterval";

    private string? lastProblem;

    public static string JobIdOf(string runbookId) => JobPrefix + runbookId;

    /// <summary>One pass: every scheduled runbook has its job with its cron and time zone, and no other runbook job is left.</summary>
    public async Task SyncAsync(CancellationToken ct)
    {
        var wanted = (await directory.ListAsync(ct)).Where(r => r.Scheduled).ToDictionary(r => JobIdOf(r.Id), StringComparer.Ordinal);
        using var connection = storage.GetConnection();
        var existing = connection.GetRecurringJobs().Where(j => j.Id.StartsWith(JobPrefix, StringComparison.Ordinal))
            .ToDictionary(j => j.Id, StringComparer.Ordinal);
        foreach (var (jobId, runbook) in wanted)
        {
            // A job already right is left alone: writing it again would move a slot missed while every process was down
            // to the next one, and the missed slot would never run.
            if (existing.TryGetValue(jobId, out var job) && IsAsWanted(job, runbook))
            {
                continue;
            }

            jobs.AddOrUpdate<RunbookJob>(jobId, j => j.FireAsync(runbook.Id, null, CancellationToken.None), runbook.Cron,
                new RecurringJobOptions
                {
                    TimeZone = TimeZoneInfo.FindSystemTimeZoneById(runbook.TimeZone),
                    MisfireHandling = MisfireHandlingMode.Relaxed,
                });
            logger.LogInformation("Runbook {RunbookId} scheduled: {Cron} ({TimeZone})", runbook.Id, runbook.Cron, runbook.TimeZone);
        }

        foreach (var stale in existing.Keys.Where(id => !wanted.ContainsKey(id)))
        {
            jobs.RemoveIfExists(stale);
            logger.LogInformation("Runbook schedule {JobId} removed: the runbook is no longer scheduled", stale);
        }
    }

    private static bool IsAsWanted(RecurringJobDto job, Runbook runbook) =>
        !job.Removed && job.LoadException is null && job.Cron == runbook.Cron
        && job.TimeZoneId == TimeZoneInfo.FindSystemTimeZoneById(runbook.TimeZone).Id
        && job.Job?.Type == typeof(RunbookJob) && job.Job.Args is [string id, ..] && id == runbook.Id;

    /// <summary>What Hangfire holds for one runbook: its next firing, or null when it has no job.</summary>
    public DateTimeOffset? NextExecution(string runbookId)
    {
        using var connection = storage.GetConnection();
        var job = connection.GetRecurringJobs([JobIdOf(runbookId)]).FirstOrDefault(j => !j.Removed);
        return job?.NextExecution is { } next ? new DateTimeOffset(DateTime.SpecifyKind(next, DateTimeKind.Utc)) : null;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = IsoDuration.Parse(configuration[SyncIntervalSetting]) is { } given && given > TimeSpan.Zero
            ? given
            : TimeSpan.FromSeconds(10);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SyncAsync(stoppingToken);
                lastProblem = null;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Said once per distinct problem: a database away for an hour is one line, not 360.
                if (ex.Message != lastProblem)
                {
                    logger.LogWarning(ex, "Runbook schedules could not be brought in step; trying again every {Interval}", interval);
                    lastProblem = ex.Message;
                }
            }

            try
            {
                await Task.Delay(interval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
