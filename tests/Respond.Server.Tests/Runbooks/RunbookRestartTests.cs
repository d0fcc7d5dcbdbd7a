using Respond.Server.Tests.Infrastructure;

namespace Respond.Server.Tests.Runbooks;

/// <summary>A restart keeps the jobs that are still wanted as they were, and a runbook whose file was deleted loses its job.</summary>
public sealed class RunbookRestartTests
{
    private sealed class Before : RunbookApp
    {
        protected override IEnumerable<(string File, string Json)> TestPlaybooks =>
        [
            ("weekly-check.json", """
                { "id": "weekly-check", "name": "Weekly check", "trigger": { "on": "schedule", "cron": "0 6 * * 1" },
                  "steps": [ { "id": "ping", "type": "action", "connector": "internal-api", "operation": "request", "input": { "path": "/ping" } } ] }
                """),
        ];
    }

    [Fact]
    public async Task After_a_restart_without_the_file_the_runbook_is_unscheduled_and_the_others_jobs_are_untouched()
    {
        string database;
        DateTime? drillNext;
        await using (var before = new Before())
        {
            await before.InitializeAsync();
            database = before.ConnectionString;
            var jobs = await Poll.UntilAsync(() => Task.FromResult(before.RunbookJobs()), j => j.Count == 2, TimeSpan.FromSeconds(15),
                "both runbooks' jobs");
            Assert.Equal("0 6 * * 1", jobs["runbook:weekly-check"].Cron);
            drillNext = jobs["runbook:failover-drill"].NextExecution;
        }

        await using var after = new RunbookApp { SharedConnectionString = database };
        await after.InitializeAsync();

        var left = await Poll.UntilAsync(() => Task.FromResult(after.RunbookJobs()), j => !j.ContainsKey("runbook:weekly-check"),
            TimeSpan.FromSeconds(15), "the deleted runbook's job to go");
        Assert.Equal(["runbook:failover-drill"], left.Keys);
        Assert.Equal(drillNext, left["runbook:failover-drill"].NextExecution);
        var gone = await after.RunbookAsync("weekly-check");
        Assert.False(gone["scheduled"]!.GetValue<bool>());
        Assert.Contains("weekly-check.json is no longer in the playbook folder", gone["notScheduledReason"]!.GetValue<string>(),
            StringComparison.Ordinal);
    }
}
