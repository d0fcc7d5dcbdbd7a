using System.ComponentModel;
using Hangfire;
using Hangfire.Server;

namespace Respond.Server.Runbooks;

/// <summary>
/// What a Hangfire recurring job runs. Its arguments are the runbook's id and nothing else (no settings, no secrets): the
/// rest is read when it fires. The run goes to the durable engine; the job ends when the run has started.
/// </summary>
public sealed class RunbookJob(RunbookStarter starter, TimeProvider clock)
{
    // A retry keeps the job's creation time, so it lands on the same slot and cannot start a second run.
    [AutomaticRetry(Attempts = 5, OnAttemptsExceeded = AttemptsExceededAction.Fail)]
    [DisplayName("Runbook {0}")]
    public Task FireAsync(string runbookId, PerformContext? context, CancellationToken cancellationToken)
    {
        var createdAt = context?.BackgroundJob.CreatedAt is { } created
            ? new DateTimeOffset(DateTime.SpecifyKind(created, DateTimeKind.Utc))
            : clock.GetUtcNow();
        return starter.StartSlotAsync(runbookId, createdAt, cancellationToken);
    }
}
