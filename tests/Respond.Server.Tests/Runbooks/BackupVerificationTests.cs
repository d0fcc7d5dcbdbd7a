using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Respond.Server.Tests.Connectors;
using Respond.Server.Tests.Infrastructure;

namespace Respond.Server.Tests.Runbooks;

/// <summary>
/// The shipped <c>backup-verification</c> runbook with a <c>postgres-backup</c> connector on real PostgreSQL: a real
/// <c>pg_dump -Fc</c> verifies; a corrupt one, and then one too old, fail, each into the same runbooks incident.
/// </summary>
public sealed class BackupVerificationTests(BackupVerificationTests.App app) : IClassFixture<BackupVerificationTests.App>
{
    public sealed class App : RunbookApp
    {
        public PostgresBackupSource Source { get; } = new();

        public string Backups { get; } = Directory.CreateTempSubdirectory("respond-backups-").FullName;

        protected override IDictionary<string, string?> RunbookSettings => new Dictionary<string, string?>
        {
            ["Respond:Connectors:backup:Kind"] = "postgres-backup",
            ["Respond:Connectors:backup:BackupPath"] = Backups,
            ["Respond:Connectors:backup:ConnectionString"] = Source.Admin,
            ["Respond:Connectors:backup:MaxAge"] = "PT26H",
            ["Respond:Playbooks:Vars:backup-verification:tables:0"] = "public.orders",
            ["Respond:Playbooks:Vars:backup-verification:minRows:public.orders"] = "1000",
            ["Respond:Playbooks:Vars:backup-verification:queries:0"] = "select 1 from orders where amount > 100",
        };

        public override async Task InitializeAsync()
        {
            await Source.InitializeAsync();
            await base.InitializeAsync();
        }

        public override async ValueTask DisposeAsync()
        {
            await base.DisposeAsync();
            await Source.DisposeAsync();
            Directory.Delete(Backups, recursive: true);
        }
    }

    [Fact]
    public async Task A_real_dump_verifies_then_a_corrupt_one_and_an_old_one_fail_into_one_runbooks_incident_leaving_no_scratch_database()
    {
        // 1. Last night's pg_dump -Fc: restored, checked, reported.
        File.Copy(app.Source.SmallDump, Path.Combine(app.Backups, "nightly-1.dump"));
        var good = await VerifyAsync();
        Assert.Equal("completed", good["status"]!.GetValue<string>());
        var result = (await app.RunbookRunsAsync("backup-verification")).Single(r => r!["runId"]!.GetValue<Guid>() == good["id"]!.GetValue<Guid>())!;
        Assert.InRange(result["backupAgeSeconds"]!.GetValue<double>(), 0, 120);
        Assert.True(result["restoreSeconds"]!.GetValue<double>() > 0);
        Assert.Equal(["table public.orders", "rows public.orders", "query 1: select 1 from orders where amount > 100"],
            result["checks"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()));
        Assert.All(result["checks"]!.AsArray(), c => Assert.True(c!["passed"]!.GetValue<bool>()));
        await AssertNoScratchDatabaseAsync(good);

        // 2. A newer dump that was cut short: the run fails in pg_restore's words and opens one incident.
        var bytes = await File.ReadAllBytesAsync(app.Source.SmallDump);
        await File.WriteAllBytesAsync(Path.Combine(app.Backups, "nightly-2.dump"), bytes[..(bytes.Length / 2)]);
        var corrupt = await VerifyAsync();
        Assert.Equal("failed", corrupt["status"]!.GetValue<string>());
        Assert.Contains("nightly-2.dump", corrupt["error"]!.GetValue<string>(), StringComparison.Ordinal);
        await AssertNoScratchDatabaseAsync(corrupt);
        var incident = await RunbooksIncidentAsync(alerts: 1);

        // 3. Nothing newer for three days: too old, in words, without a restore; the same incident gets a second alert.
        File.SetLastWriteTimeUtc(Path.Combine(app.Backups, "nightly-1.dump"), DateTime.UtcNow.AddDays(-4));
        File.SetLastWriteTimeUtc(Path.Combine(app.Backups, "nightly-2.dump"), DateTime.UtcNow.AddDays(-3));

        var old = await VerifyAsync();
        Assert.Equal("failed", old["status"]!.GetValue<string>());
        Assert.Matches("The newest backup, nightly-2.dump, is 3 d( [0-9]+ h)? old; MaxAge is PT26H", old["error"]!.GetValue<string>());
        var history = await app.RunbookRunsAsync("backup-verification");
        Assert.InRange(history[0]!["backupAgeSeconds"]!.GetValue<double>(), 3 * 86400, 3 * 86400 + 300);
        var same = await RunbooksIncidentAsync(alerts: 2);
        Assert.Equal(incident["id"]!.GetValue<Guid>(), same["id"]!.GetValue<Guid>());
        Assert.DoesNotContain(app.Logs.Lines, l => l.Contains(app.Source.Password, StringComparison.Ordinal));
    }

    private async Task<JsonNode> VerifyAsync()
    {
        var runId = await app.TriggerAsync("backup-verification");
        return await app.RunAsync(runId, r => r["status"]!.GetValue<string>() is "completed" or "failed", "the verification to end");
    }

    /// <summary>No scratch database named for a moment of this run is left (other tests' scratch databases carry other times).</summary>
    private async Task AssertNoScratchDatabaseAsync(JsonNode run)
    {
        var from = run["startedAt"]!.GetValue<DateTimeOffset>().AddSeconds(-2);
        var to = (run["endedAt"]?.GetValue<DateTimeOffset>() ?? DateTimeOffset.UtcNow).AddSeconds(2);
        var names = new List<string>();
        for (var at = from; at <= to; at = at.AddSeconds(1))
        {
            names.Add("respond_verify_" + at.UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "%");
        }

        var left = await app.Source.CountAsync("select count(*) from pg_database where datname like any($1)", [names.ToArray()]);
        Assert.Equal(0, left);
    }

    private async Task<JsonNode> RunbooksIncidentAsync(int alerts)
    {
        using var viewer = app.As("viewer");
        return (await Poll.UntilAsync(async () =>
        {
            var items = (await (await viewer.GetAsync("/api/incidents?source=runbooks")).JsonAsync(HttpStatusCode.OK))["items"]!.AsArray();
            Assert.True(items.Count <= 1, $"Failures of one runbook opened {items.Count} incidents.");
            return items.Count == 1 ? await (await viewer.GetAsync($"/api/incidents/{items[0]!["id"]}")).JsonAsync(HttpStatusCode.OK) : null;
        }, i => i?["alerts"]!.AsArray().Count == alerts, TimeSpan.FromSeconds(30), $"one runbooks incident with {alerts} alerts"))!;
    }
}
