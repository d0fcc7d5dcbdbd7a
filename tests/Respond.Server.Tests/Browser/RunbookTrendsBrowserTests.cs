using System.Net;
using Microsoft.Playwright;
using Respond.Server.Tests.Infrastructure;
using Respond.Server.Tests.Runbooks;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using Xunit.Abstractions;

namespace Respond.Server.Tests.Browser;

/// <summary>
/// The runbooks page with history: the shipped failover drill against a site played by a local HTTP server, run three times
/// (the second fails over into a 500), shows its RTO trend against the target, the failed run marked, and the runs as text.
/// </summary>
[Collection(ConsoleBrowser.Sequential)]
public sealed class RunbookTrendsBrowserTests(RunbookTrendsBrowserTests.Site site, ITestOutputHelper output)
    : IClassFixture<RunbookTrendsBrowserTests.Site>
{
    /// <summary>
    /// ConsoleBrowser's server has no connectors, so no runbook can run: this one adds the drill's <c>failover</c> connector
    /// against a local site, and is otherwise the same real server process and Chromium.
    /// </summary>
    public sealed class Site : ConsoleBrowser
    {
        public WireMockServer Targets { get; } = WireMockServer.Start();

        public string Playbooks { get; } = Directory.CreateTempSubdirectory("respond-browser-runbooks-").FullName;

        protected override Task<IDictionary<string, string?>> ExtraSettingsAsync()
        {
            var root = Respond.Server.Storage.RepositoryRoot.Find(AppContext.BaseDirectory)!;
            Directory.CreateDirectory(Path.Combine(Playbooks, "runbooks"));
            File.Copy(Path.Combine(root, "playbooks", "runbooks", "failover-drill.json"), Path.Combine(Playbooks, "runbooks", "failover-drill.json"));
            RunbookApp.ServeHealthySite(Targets);
            return Task.FromResult<IDictionary<string, string?>>(new Dictionary<string, string?>
            {
                ["Respond:Playbooks:Path"] = Playbooks,
                ["Respond:Connectors:failover:Kind"] = "http",
                ["Respond:Connectors:failover:BaseUrl"] = Targets.Url + "/site",
                ["Respond:Connectors:failover:AllowedNetworks:0"] = "127.0.0.0/8",
            });
        }

        public override async Task DisposeAsync()
        {
            await base.DisposeAsync();
            Targets.Stop();
            Directory.Delete(Playbooks, recursive: true);
        }
    }

    [RequiresProgramFact("chromium")]
    public async Task A_drill_s_runs_show_as_an_RTO_trend_with_the_failed_run_marked_and_as_text()
    {
        using var responder = site.Server.Client("responder");
        await DrillAsync(responder, "completed");
        // The site refuses the second failover: the run fails at that step, measuring nothing.
        var refusal = Guid.NewGuid();
        site.Targets.Given(Request.Create().WithPath("/site/failover").UsingPost()).WithGuid(refusal).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(500).WithBody("failover controller unavailable"));
        await DrillAsync(responder, "failed");
        site.Targets.DeleteMapping(refusal);
        await DrillAsync(responder, "completed");

        var (context, page, errors) = await site.NewPageAsync();
        await using var _ = context;
        await ConsoleBrowser.SignInAsync(page, "/runbooks", TestUsers.ResponderKey);
        var drill = page.Locator("table.runbooks tbody tr").Filter(new() { HasText = "failover-drill" });
        await Assertions.Expect(drill.Locator(".trend-summary")).ToHaveTextAsync("3 recent runs, 1 failed; RTO target 5 min");
        await Assertions.Expect(drill.Locator(".runbook-trend .recharts-wrapper")).ToBeVisibleAsync();
        await Assertions.Expect(drill.GetByRole(AriaRole.Button, new() { Name = "Run now" })).ToBeEnabledAsync();

        await drill.Locator(".runbook-trend summary").ClickAsync();
        var runs = drill.Locator(".run-list li");
        await Assertions.Expect(runs).ToHaveCountAsync(3);
        await Assertions.Expect(runs.Nth(0)).ToContainTextAsync("completed · RTO");
        await Assertions.Expect(runs.Nth(1)).ToHaveClassAsync("failed");
        await Assertions.Expect(runs.Nth(1)).ToContainTextAsync("failed");
        var shot = await ConsoleBrowser.ScreenshotAsync(page, "15-runbook-trends");
        await ConsoleBrowser.AssertAccessibleAsync(page);

        await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Dark });
        await Assertions.Expect(drill.Locator(".runbook-trend .recharts-wrapper")).ToBeVisibleAsync();
        var dark = await ConsoleBrowser.ScreenshotAsync(page, "16-runbook-trends-dark");
        await ConsoleBrowser.AssertAccessibleAsync(page);

        output.WriteLine($"screenshot: {shot}");
        output.WriteLine($"screenshot: {dark}");
        Assert.True(errors.Count == 0, "The browser console showed errors:\n" + string.Join("\n", errors));
    }

    private async Task DrillAsync(HttpClient responder, string expected)
    {
        var started = await (await responder.PostAsync("/api/runbooks/failover-drill/trigger", null)).JsonAsync(HttpStatusCode.Accepted);
        var runId = started["runId"]!.GetValue<Guid>();
        var run = await Poll.UntilAsync(async () => await (await responder.GetAsync($"/api/runs/{runId}")).JsonAsync(HttpStatusCode.OK),
            r => r["status"]!.GetValue<string>() is "completed" or "failed", TimeSpan.FromSeconds(30), "the drill to end");
        Assert.True(run["status"]!.GetValue<string>() == expected, run.ToJsonString());
        // Runs are listed newest first by their start: the next drill must start strictly later.
        await Poll.UntilAsync(async () => await InHistoryAsync(responder, runId), found => found, TimeSpan.FromSeconds(10), "the run in the history");
    }

    private static async Task<bool> InHistoryAsync(HttpClient client, Guid runId)
    {
        var page = await (await client.GetAsync("/api/runbooks/failover-drill/runs")).JsonAsync(HttpStatusCode.OK);
        return page["items"]!.AsArray().Any(r => r!["runId"]!.GetValue<Guid>() == runId);
    }
}
