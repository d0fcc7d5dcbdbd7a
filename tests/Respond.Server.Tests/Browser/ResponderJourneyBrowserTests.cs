using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Respond.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Respond.Server.Tests.Browser;

/// <summary>
/// The console's acceptance walk, in one responder's browser kept open throughout: sign in; an alert posted through the
/// webhook appears live; open it and read its timeline; acknowledge and comment; hit a stale version and recover; watch a
/// playbook run pause for approval; its starter is refused by four eyes and a second person approves in the inbox; the
/// incident turns contained live; the dashboard's figures are the metrics API's.
/// </summary>
[Collection(ConsoleBrowser.Sequential)]
public sealed class ResponderJourneyBrowserTests(ConsoleBrowser browser, ITestOutputHelper output) : IClassFixture<ConsoleBrowser>
{
    private const string PlaybookId = "journey-contain";

    [RequiresProgramFact("chromium")]
    public async Task A_responder_takes_a_webhook_alert_to_containment_with_a_second_approver_and_the_dashboard_agrees()
    {
        var server = browser.Server;
        await PublishPlaybookAsync();

        // 1. Sign in with an API key.
        var (context, page, errors) = await browser.NewPageAsync();
        await using var _ = context;
        await ConsoleBrowser.SignInAsync(page, "/incidents", TestUsers.ResponderKey);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "No incidents yet" })).ToBeVisibleAsync();

        // 2. An alert posted through the webhook appears in the queue live, without a reload.
        var title = "Impossible travel for grace";
        var id = await browser.PostAlertAsync("journey-1", title, "high");
        var row = page.Locator("table.queue tbody tr").Filter(new() { HasText = title });
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(row.Locator(".severity")).ToHaveTextAsync("high");

        // 3. Open it and read its timeline.
        await row.GetByRole(AriaRole.Link, new() { Name = title }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex($"/incidents/{id}$"));
        var entries = page.Locator(".inc-timeline li");
        await Assertions.Expect(entries.First).ToContainTextAsync($"Opened the incident “{title}”, severity high");

        // 4. Acknowledge and comment.
        await page.GetByRole(AriaRole.Button, new() { Name = "Acknowledge", Exact = true }).ClickAsync();
        await Assertions.Expect(entries.Nth(1)).ToContainTextAsync("Acknowledged the incident.");
        await page.GetByLabel("Comment", new() { Exact = true }).FillAsync("Sign-ins from two countries in 5 minutes.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add comment" }).ClickAsync();
        await Assertions.Expect(entries.Nth(2)).ToContainTextAsync("Sign-ins from two countries in 5 minutes.");

        // 5. A stale version: with the live feed held up, a colleague assigns the incident while the responder types.
        await page.RouteAsync("**/api/events", _ => { });
        await page.ReloadAsync();
        await Assertions.Expect(entries).ToHaveCountAsync(3);
        const string typed = "Session tokens revoked for grace.";
        await page.GetByLabel("Comment", new() { Exact = true }).FillAsync(typed);
        using var colleague = server.Client("responder");
        await (await colleague.PostJsonAsync($"/api/incidents/{id}/assign", new { assignee = "grace-oncall" })).JsonAsync(HttpStatusCode.OK);
        await page.GetByRole(AriaRole.Button, new() { Name = "Add comment" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Someone else changed this incident");
        await Assertions.Expect(page.GetByLabel("Comment", new() { Exact = true })).ToHaveValueAsync(typed);
        await Assertions.Expect(page.Locator(".facts")).ToContainTextAsync("grace-oncall");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add comment" }).ClickAsync();
        await Assertions.Expect(entries.Nth(4)).ToContainTextAsync(typed);
        await page.UnrouteAsync("**/api/events");
        await page.ReloadAsync(); // the live feed again
        await Assertions.Expect(entries).ToHaveCountAsync(5);

        // 6. A playbook run, started by hand by an admin, pauses for approval: the responder sees it live.
        using var admin = server.Client("admin");
        await (await admin.PostJsonAsync($"/api/incidents/{id}/runs", new { playbookId = PlaybookId })).JsonAsync(HttpStatusCode.Created);
        var run = page.Locator(".inc-run");
        await Assertions.Expect(run.GetByText("Waiting for approval at step “approve”")).ToBeVisibleAsync();

        // 7. The starter is refused by four eyes in the inbox; a second person approves there.
        var (adminContext, adminPage, adminErrors) = await browser.NewPageAsync();
        await using var __ = adminContext;
        await ConsoleBrowser.SignInAsync(adminPage, "/approvals", TestUsers.AdminKey);
        var theirs = adminPage.Locator("article.approval").Filter(new() { HasText = title });
        await theirs.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Assertions.Expect(theirs.GetByRole(AriaRole.Alert))
            .ToHaveTextAsync("You started this run, so someone else must approve it (four eyes).");

        var (approverContext, approverPage, approverErrors) = await browser.NewPageAsync();
        await using var ___ = approverContext;
        await ConsoleBrowser.SignInAsync(approverPage, "/approvals", TestUsers.ApproverKey);
        var item = approverPage.Locator("article.approval").Filter(new() { HasText = title });
        await item.GetByLabel("Comment (optional)").FillAsync("Confirmed with grace by phone.");
        await item.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Assertions.Expect(item).ToHaveCountAsync(0);
        await Assertions.Expect(theirs).ToHaveCountAsync(0); // the starter's inbox drops it live

        // 8. The responder's page shows the incident contained, live.
        await Assertions.Expect(page.Locator(".facts")).ToContainTextAsync("contained");
        await Assertions.Expect(page.Locator(".inc-timeline")).ToContainTextAsync("Approved step “approve”");
        // Cause before effect, though both happened within the same second: the approval, then the containment it allowed.
        var texts = await entries.AllTextContentsAsync();
        Assert.True(texts.ToList().FindIndex(t => t.Contains("Approved step", StringComparison.Ordinal))
            < texts.ToList().FindIndex(t => t.Contains("Contained the incident", StringComparison.Ordinal)), string.Join("\n", texts));
        await ConsoleBrowser.ScreenshotAsync(page, "18-journey-contained");

        // 9. The dashboard's figures are those of GET /api/metrics/soc, once the projection has the containment.
        using var viewer = server.Client("viewer");
        await Poll.UntilAsync(() => MetricsBrowserTests.SocAsync(viewer, null, null),
            m => m["containment"]!["automated"]!.GetValue<long>() == 1, TimeSpan.FromSeconds(30), "the metrics projection");
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Metrics" }).ClickAsync();
        var soc = await MetricsBrowserTests.AssertFiguresMatchApiAsync(page, viewer);
        Assert.Equal(1, soc["total"]!.GetValue<long>());
        await Assertions.Expect(page.Locator("[data-breakdown=containment] tr[data-name=automated] td")).ToHaveTextAsync("1");
        // The charts load after the figures (their library is a separate download): all six drawn before the screenshot.
        await Assertions.Expect(page.Locator(".metrics .chart .recharts-wrapper")).ToHaveCountAsync(6);
        output.WriteLine($"screenshot: {await ConsoleBrowser.ScreenshotAsync(page, "19-journey-metrics")}");

        // Chromium logs each 4xx as a console error: the 412 and the four-eyes 403 are the ones this walk asked for.
        var unexpected = errors.Where(e => !e.Contains("status of 412", StringComparison.Ordinal))
            .Concat(adminErrors.Where(e => !e.Contains("status of 403", StringComparison.Ordinal))).Concat(approverErrors).ToList();
        Assert.True(unexpected.Count == 0, "The browser console showed errors:\n" + string.Join("\n", unexpected));
    }

    private async Task PublishPlaybookAsync()
    {
        const string playbook = $$"""
            { "id": "{{PlaybookId}}", "name": "Contain after a second look", "trigger": { "on": "manual" }, "steps": [
              { "id": "approve", "type": "approval", "approvers": { "roles": ["approver"] }, "timeout": "PT30M",
                "next": { "approved": "contain", "rejected": "done", "expired": "done" } },
              { "id": "contain", "type": "incident", "status": "contained", "summary": "Sessions revoked", "next": "done" },
              { "id": "done", "type": "end" } ] }
            """;
        using var author = browser.Server.Client("author");
        (await author.PutAsync($"/api/playbooks/{PlaybookId}", JsonContent.Create(JsonNode.Parse(playbook)))).EnsureSuccessStatusCode();
        await (await author.PostJsonAsync($"/api/playbooks/{PlaybookId}/publish", null)).JsonAsync(HttpStatusCode.Created);
    }

}
