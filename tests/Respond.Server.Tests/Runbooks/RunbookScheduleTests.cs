using System.Net;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Respond.Server.Runbooks;
using Respond.Server.Tests.Infrastructure;

namespace Respond.Server.Tests.Runbooks;

/// <summary>Hangfire's recurring jobs follow the published runbooks, on restart and with two processes on one database.</summary>
public sealed class RunbookScheduleTests(RunbookScheduleTests.App app) : IClassFixture<RunbookScheduleTests.App>
{
    public sealed class App : RunbookApp
    {
        protected override IEnumerable<(string File, string Json)> TestPlaybooks =>
            [("nightly-check.json", NightlyCheck("0 2 * * *", "Europe/Amsterdam"))];
    }

    private static string NightlyCheck(string cron, string timeZone, string id = "nightly-check")
    {
        var trigger = cron.Length == 0 ? """{ "on": "manual" }""" : $$"""{ "on": "schedule", "cron": "{{cron}}", "timeZone": "{{timeZone}}" }""";
        return $$"""
            { "id": "{{id}}", "name": "Nightly check", "trigger": {{trigger}},
              "steps": [
                { "id": "ping", "type": "action", "connector": "internal-api", "operation": "request", "input": { "path": "/ping" },
                  "next": "done" },
                { "id": "done", "type": "end" } ] }
            """;
    }

    [Fact]
    public async Task Each_scheduled_runbook_has_one_job_with_its_cron_and_the_unconfigured_one_is_listed_with_its_reason()
    {
        var jobs = await Poll.UntilAsync(() => Task.FromResult(app.RunbookJobs()), j => j.Count == 2, TimeSpan.FromSeconds(15),
            "the runbooks' recurring jobs");

        Assert.Equal(["runbook:failover-drill", "runbook:nightly-check"], jobs.Keys.Order());
        Assert.Equal("0 2 * * *", jobs["runbook:nightly-check"].Cron);
        Assert.Equal("Europe/Amsterdam", jobs["runbook:nightly-check"].TimeZoneId);
        Assert.Equal("0 3 1 * *", jobs["runbook:failover-drill"].Cron);
        // Ids only in the job: the runbook's id, and the slots Hangfire fills in itself.
        Assert.Equal("\"nightly-check\"", jobs["runbook:nightly-check"].Job.Args[0] is string id ? $"\"{id}\"" : "");

        var listed = await app.RunbookAsync("nightly-check");
        Assert.True(listed["scheduled"]!.GetValue<bool>());
        var next = listed["nextRunAt"]!.GetValue<DateTimeOffset>();
        var amsterdam = TimeZoneInfo.ConvertTime(next, TimeZoneInfo.FindSystemTimeZoneById("Europe/Amsterdam"));
        Assert.Equal((2, 0), (amsterdam.Hour, amsterdam.Minute));
        Assert.InRange(next, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1).AddMinutes(1));

        var waiting = await app.RunbookAsync("backup-verification");
        Assert.False(waiting["scheduled"]!.GetValue<bool>());
        Assert.Null(waiting["nextRunAt"]);
        Assert.Contains("'backup'", waiting["notScheduledReason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("0 2 * * *", waiting["schedule"]!.GetValue<string>());
        // One line in the log says so; nothing else about it, and no error.
        Assert.Single(app.Logs.Lines, l => l.Contains("backup-verification", StringComparison.Ordinal));
        using var responder = app.As("responder");
        var refused = await responder.PostAsync("/api/runbooks/backup-verification/trigger", null);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("'backup'", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_new_version_moves_the_job_and_one_that_is_no_longer_a_runbook_removes_it()
    {
        await app.PublishAsync("moving-check", NightlyCheck("15 4 * * 1", "UTC", "moving-check"));
        await Poll.UntilAsync(() => Task.FromResult(app.RunbookJobs()), j => j.GetValueOrDefault("runbook:moving-check")?.Cron == "15 4 * * 1",
            TimeSpan.FromSeconds(15), "the new runbook's job");

        await app.PublishAsync("moving-check", NightlyCheck("45 5 * * 2", "Asia/Tokyo", "moving-check"));
        var moved = await Poll.UntilAsync(() => Task.FromResult(app.RunbookJobs()),
            j => j.GetValueOrDefault("runbook:moving-check")?.Cron == "45 5 * * 2", TimeSpan.FromSeconds(15), "the job to move");
        Assert.Equal("Asia/Tokyo", moved["runbook:moving-check"].TimeZoneId);

        await app.PublishAsync("moving-check", NightlyCheck("", "", "moving-check"));
        await Poll.UntilAsync(() => Task.FromResult(app.RunbookJobs()), j => !j.ContainsKey("runbook:moving-check"),
            TimeSpan.FromSeconds(15), "the job to go");
        Assert.Contains("runbook:nightly-check", app.RunbookJobs().Keys);
    }

    [Fact]
    public async Task A_second_process_on_the_database_and_a_restart_keep_one_job_per_runbook_and_one_run_per_slot()
    {
        await Poll.UntilAsync(() => Task.FromResult(app.RunbookJobs()), j => j.ContainsKey("runbook:nightly-check"), TimeSpan.FromSeconds(15),
            "the first process's jobs");
        await using var second = new App { SharedConnectionString = app.ConnectionString };
        await second.InitializeAsync();
        await second.Service<RunbookSchedules>().SyncAsync(CancellationToken.None);
        await app.Service<RunbookSchedules>().SyncAsync(CancellationToken.None);

        Assert.Equal(app.RunbookJobs().Keys.Order(), second.RunbookJobs().Keys.Order());
        Assert.Single(second.RunbookJobs().Keys, k => k == "runbook:nightly-check");

        // Both processes fire the same slot at once, as they would if both schedulers took it: one run.
        var slot = new DateTimeOffset(2026, 12, 6, 1, 0, 0, TimeSpan.Zero); // 02:00 in Amsterdam
        var fired = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            (i % 2 == 0 ? app : second).Service<RunbookStarter>().StartSlotAsync("nightly-check", slot.AddSeconds(i * 7), CancellationToken.None)));
        Assert.Single(fired.Distinct());
        var runs = await Poll.UntilAsync(() => app.RunbookRunsAsync("nightly-check"), r => r.Count >= 1, TimeSpan.FromSeconds(10), "the slot's run");
        Assert.Single(runs);
        Assert.Equal("schedule", runs[0]!["trigger"]!.GetValue<string>());
        Assert.Equal("schedule", runs[0]!["startedBy"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_slot_missed_while_the_server_was_down_runs_once_on_return()
    {
        await Poll.UntilAsync(() => Task.FromResult(app.RunbookJobs()), j => j.ContainsKey("runbook:failover-drill"), TimeSpan.FromSeconds(15),
            "the drill's job");
        var before = (await app.RunbookRunsAsync("failover-drill")).Count(r => r!["trigger"]!.GetValue<string>() == "schedule");

        // As if the job had been created 100 days ago, last fired 95 days ago, and every process had been down since: Hangfire's
        // record says the next firing was 70 days ago (three monthly slots have passed since).
        var storage = app.Service<JobStorage>();
        using (var connection = storage.GetConnection())
        using (var write = connection.CreateWriteTransaction())
        {
            var missed = DateTime.UtcNow.AddDays(-70);
            write.SetRangeInHash("recurring-job:runbook:failover-drill",
            [
                new("CreatedAt", Hangfire.Common.JobHelper.SerializeDateTime(DateTime.UtcNow.AddDays(-100))),
                new("LastExecution", Hangfire.Common.JobHelper.SerializeDateTime(DateTime.UtcNow.AddDays(-95))),
                new("NextExecution", Hangfire.Common.JobHelper.SerializeDateTime(missed)),
            ]);
            write.AddToSet("recurring-jobs", "runbook:failover-drill", Hangfire.Common.JobHelper.ToTimestamp(missed));
            write.Commit();
        }

        await Poll.UntilAsync(() => Task.FromResult(app.RunbookJobs()["runbook:failover-drill"].NextExecution),
            next => next > DateTime.UtcNow, TimeSpan.FromSeconds(60), "Hangfire to fire the missed slot and schedule the next");
        var runs = await Poll.UntilAsync(() => app.RunbookRunsAsync("failover-drill"),
            r => r.Count(x => x!["trigger"]!.GetValue<string>() == "schedule") > before, TimeSpan.FromSeconds(30), "the missed slot's run");
        // Once Hangfire has nothing left queued or running, still one run: not one per missed slot.
        var monitor = storage.GetMonitoringApi();
        await Poll.UntilAsync(() => Task.FromResult(monitor.EnqueuedCount("default") + monitor.ProcessingCount()), n => n == 0,
            TimeSpan.FromSeconds(30), "Hangfire to finish its jobs");
        runs = await app.RunbookRunsAsync("failover-drill");
        Assert.Equal(before + 1, runs.Count(r => r!["trigger"]!.GetValue<string>() == "schedule"));
    }
}
