using Respond.Server.Tests.Connectors;
using Respond.Server.Tests.Infrastructure;

namespace Respond.Server.Tests.Runbooks;

/// <summary>The shipped <c>standby-drill</c> against the real test PostgreSQL: a test failover that reports RTO, RPO and the canary.</summary>
public sealed class StandbyDrillTests(StandbyDrillTests.App app) : IClassFixture<StandbyDrillTests.App>
{
    public sealed class App : RunbookApp
    {
        // As an operator would make it: root's, and open for the postgres user to pass through to the copy's own folder.
        public string Scratch { get; } = OpenForPassingThrough(Directory.CreateTempSubdirectory("respond-drills-").FullName);

        private string primary = "";

        protected override IEnumerable<string> ShippedPlaybooks => ["runbooks/standby-drill.json"];

        protected override IDictionary<string, string?> RunbookSettings => new Dictionary<string, string?>
        {
            ["Respond:Connectors:standby:Kind"] = "postgres-standby",
            ["Respond:Connectors:standby:ConnectionString"] = primary,
            ["Respond:Connectors:standby:ScratchPath"] = Scratch,
        };

        public override async Task InitializeAsync()
        {
            primary = await TestPostgres.CreateDatabaseAsync("standby_primary");
            await base.InitializeAsync();
        }

        public override async ValueTask DisposeAsync()
        {
            await base.DisposeAsync();
            Directory.Delete(Scratch, recursive: true);
        }

        private static string OpenForPassingThrough(string folder)
        {
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            return folder;
        }
    }

    [Fact]
    public async Task The_monthly_standby_drill_promotes_a_copy_and_reports_rto_rpo_and_the_canary_leaving_nothing_behind()
    {
        var runId = await app.TriggerAsync("standby-drill");
        var run = await app.RunAsync(runId, r => r["status"]!.GetValue<string>() is "completed" or "failed", "the drill to end");

        Assert.True(run["status"]!.GetValue<string>() == "completed", run["error"]?.ToString());
        var output = Playbooks.Runs.PlaybookApp.Step(run, "test-failover")["output"]!;
        Assert.True(output["canary"]!["found"]!.GetValue<bool>());
        var result = (await app.RunbookRunsAsync("standby-drill"))[0]!;
        Assert.InRange(result["rtoSeconds"]!.GetValue<double>(), 0.0001, 60);
        Assert.Equal(60, result["rtoTargetSeconds"]!.GetValue<double>());
        Assert.True(result["rpoSeconds"]!.GetValue<double>() >= 0);
        Assert.Empty(Directory.EnumerateFileSystemEntries(app.Scratch));
    }
}

/// <summary>The shipped <c>site-recovery-drill</c> against a local server speaking Azure Site Recovery's REST shapes.</summary>
public sealed class SiteRecoveryDrillTests(SiteRecoveryDrillTests.App app) : IClassFixture<SiteRecoveryDrillTests.App>
{
    public sealed class App : RunbookApp
    {
        protected override IEnumerable<string> ShippedPlaybooks => ["runbooks/site-recovery-drill.json"];

        protected override IDictionary<string, string?> RunbookSettings => FakeSiteRecovery.Settings("site-recovery", Targets);

        public override async Task InitializeAsync()
        {
            Targets.AnswersInTurn(FakeSiteRecovery.Item, FakeSiteRecovery.ItemBody("Primary", "TestFailover", "UnplannedFailover"));
            Targets.AcceptsAction("testFailover", "job-tfo");
            Targets.ServesJob("job-tfo", "InProgress", "InProgress", "Succeeded");
            Targets.AcceptsAction("testFailoverCleanup", "job-clean");
            Targets.ServesJob("job-clean", "InProgress", "Succeeded");
            await base.InitializeAsync();
        }
    }

    [Fact]
    public async Task The_drill_checks_the_item_runs_a_timed_test_failover_cleans_it_up_and_checks_again()
    {
        var runId = await app.TriggerAsync("site-recovery-drill");
        var run = await app.RunAsync(runId, r => r["status"]!.GetValue<string>() is "completed" or "failed", "the drill to end");

        Assert.True(run["status"]!.GetValue<string>() == "completed", run["error"]?.ToString());
        var posts = app.Targets.LogEntries.Select(e => e.RequestMessage)
            .Where(r => r.Method == "POST" && r.Path.StartsWith(FakeSiteRecovery.Item, StringComparison.Ordinal))
            .OrderBy(r => r.DateTime).Select(r => r.Path[(FakeSiteRecovery.Item.Length + 1)..]);
        Assert.Equal(["testFailover", "testFailoverCleanup"], posts);
        var result = (await app.RunbookRunsAsync("site-recovery-drill"))[0]!;
        Assert.True(result["rtoSeconds"]!.GetValue<double>() > 0);
        Assert.Equal(1800, result["rtoTargetSeconds"]!.GetValue<double>());
    }
}
