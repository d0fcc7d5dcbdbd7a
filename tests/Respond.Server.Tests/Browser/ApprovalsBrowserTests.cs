using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Respond.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Respond.Server.Tests.Browser;

/// <summary>
/// The approvals inbox in a real browser: a run started by hand waits for approval; its starter (admin) sees it with its
/// context and is refused by four eyes in words; a second person approves it in another browser; both pages drop the
/// item (the starter's live, without a reload), and the run contains the incident.
/// </summary>
[Collection(ConsoleBrowser.Sequential)]
public sealed partial class ApprovalsBrowserTests(ConsoleBrowser browser, ITestOutputHelper output) : IClassFixture<ConsoleBrowser>
{
    private const string PlaybookId = "browser-contain-after-approval";

    private static readonly string Playbook = $$$"""
        { "id": "{{{PlaybookId}}}", "name": "Contain after approval", "trigger": { "on": "manual" }, "steps": [
          { "id": "approve", "type": "approval", "name": "Approve containment", "message": "Mark this incident contained?",
            "approvers": { "roles": ["approver"] }, "timeout": "PT30M",
            "next": { "approved": "contain", "rejected": "done", "expired": "done" } },
          { "id": "contain", "type": "incident", "name": "Mark contained", "status": "contained",
            "summary": "{{ incident.title }}: contained after approval in the console.", "next": "done" },
          { "id": "done", "type": "end" } ] }
        """;

    [RequiresProgramFact("chromium")]
    public async Task The_starter_is_refused_by_four_eyes_a_second_approver_approves_and_the_item_leaves_both_pages_live()
    {
        var server = browser.Server;
        using var author = server.Client("author");
        (await author.PutAsync($"/api/playbooks/{PlaybookId}", JsonContent.Create(JsonNode.Parse(Playbook)))).EnsureSuccessStatusCode();
        await (await author.PostJsonAsync($"/api/playbooks/{PlaybookId}/publish", null)).JsonAsync(HttpStatusCode.Created);

        var title = "Ransomware note on file-03";
        var incidentId = await browser.PostAlertAsync("approvals-1", title, "critical");
        using var admin = server.Client("admin");
        var run = await (await admin.PostJsonAsync($"/api/incidents/{incidentId}/runs", new { playbookId = PlaybookId }))
            .JsonAsync(HttpStatusCode.Created);
        var runId = run["id"]!.GetValue<Guid>();
        await Poll.UntilAsync(async () => (await (await admin.GetAsync("/api/approvals?status=pending")).JsonAsync(HttpStatusCode.OK))["items"]!
                .AsArray().Any(a => a!["runId"]!.GetValue<Guid>() == runId),
            found => found, TimeSpan.FromSeconds(20), "the run's approval in the inbox");

        // The starter (admin, who is also an approver) sees the item with its context.
        var (adminContext, adminPage, adminErrors) = await browser.NewPageAsync();
        await using var _ = adminContext;
        await SignInAsync(adminPage, TestUsers.AdminKey);
        var item = adminPage.Locator("article.approval");
        await Assertions.Expect(item).ToHaveCountAsync(1);
        await Assertions.Expect(item.GetByRole(AriaRole.Heading, new() { Name = "Mark this incident contained?" })).ToBeVisibleAsync();
        await Assertions.Expect(item.GetByRole(AriaRole.Link, new() { Name = title })).ToHaveAttributeAsync("href", $"/incidents/{incidentId}");
        await Assertions.Expect(item).ToContainTextAsync("Contain after approval");
        await Assertions.Expect(item).ToContainTextAsync("Approve containment (approve)");
        await Assertions.Expect(item).ToContainTextAsync("admin (by hand)");
        await Assertions.Expect(item.Locator(".next")).ToContainTextAsync("Approving runs Mark contained (incident)");
        // The input about to be executed, rendered from the incident as it is now.
        var input = item.Locator(".next > pre");
        await Assertions.Expect(input).ToContainTextAsync("\"status\": \"contained\"");
        await Assertions.Expect(input).ToContainTextAsync($"\"summary\": \"{title}: contained after approval in the console.\"");
        var countdown = item.Locator("time.expiry");
        await Assertions.Expect(countdown).ToHaveTextAsync(ExpiresIn());
        var first = await countdown.TextContentAsync();
        await Assertions.Expect(countdown).Not.ToHaveTextAsync(first!); // it ticks
        var shots = new List<string> { await ConsoleBrowser.ScreenshotAsync(adminPage, "9-approvals") };
        await ConsoleBrowser.AssertAccessibleAsync(adminPage);

        // Four eyes: the starter's approval is refused, in words.
        await item.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Assertions.Expect(item.GetByRole(AriaRole.Alert))
            .ToHaveTextAsync("You started this run, so someone else must approve it (four eyes).");
        await Assertions.Expect(item).ToHaveCountAsync(1);
        shots.Add(await ConsoleBrowser.ScreenshotAsync(adminPage, "10-approvals-four-eyes"));
        await ConsoleBrowser.AssertAccessibleAsync(adminPage);

        // A second person approves with a comment, in another browser (in the dark theme, which must read as well).
        var (approverContext, approverPage, approverErrors) = await browser.NewPageAsync(ColorScheme.Dark);
        await using var __ = approverContext;
        await SignInAsync(approverPage, TestUsers.ApproverKey);
        var theirs = approverPage.Locator("article.approval");
        await Assertions.Expect(theirs).ToHaveCountAsync(1);
        await ConsoleBrowser.AssertAccessibleAsync(approverPage);

        // A page that misses the live feed still shows the item; deciding there later is a 409 that says so and drops it.
        var (staleContext, stalePage, _) = await browser.NewPageAsync();
        await using var ___ = staleContext;
        await stalePage.RouteAsync("**/api/events", route => route.AbortAsync());
        await SignInAsync(stalePage, TestUsers.ApproverKey);
        var stale = stalePage.Locator("article.approval");
        await Assertions.Expect(stale).ToHaveCountAsync(1);
        await theirs.GetByLabel("Comment (optional)").FillAsync("Confirmed with the file-server owner.");
        await theirs.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Assertions.Expect(theirs).ToHaveCountAsync(0);
        await Assertions.Expect(approverPage.GetByText("Approved: Contain after approval, step Approve containment (approve).")).ToBeVisibleAsync();

        await stale.GetByRole(AriaRole.Button, new() { Name = "Reject" }).ClickAsync();
        await Assertions.Expect(stale).ToHaveCountAsync(0);
        await Assertions.Expect(stalePage.Locator(".notices"))
            .ToContainTextAsync("Decided elsewhere: The approval is already approved by approver.");

        // The starter's page drops the item live, from the event feed, with no reload.
        await Assertions.Expect(item).ToHaveCountAsync(0);
        await Assertions.Expect(adminPage.GetByRole(AriaRole.Heading, new() { Name = "Nothing waits for approval" })).ToBeVisibleAsync();

        var incident = await Poll.UntilAsync(
            async () => await (await admin.GetAsync($"/api/incidents/{incidentId}")).JsonAsync(HttpStatusCode.OK),
            i => i["status"]!.GetValue<string>() == "contained", TimeSpan.FromSeconds(20), "the incident to be contained");
        Assert.Equal("contained", incident["status"]!.GetValue<string>());
        var approvals = await (await admin.GetAsync($"/api/approvals?incidentId={incidentId}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("Confirmed with the file-server owner.", approvals["items"]![0]!["comment"]!.GetValue<string>());

        foreach (var shot in shots)
        {
            output.WriteLine($"screenshot: {shot}");
        }

        // Chromium logs every 4xx answer as a console error: the four-eyes 403 is the one this test asked for.
        var unexpected = adminErrors.Where(e => !e.Contains("status of 403", StringComparison.Ordinal)).Concat(approverErrors).ToList();
        Assert.True(unexpected.Count == 0, "The browser console showed errors:\n" + string.Join("\n", unexpected));
    }

    private static async Task SignInAsync(IPage page, string key)
    {
        await ConsoleBrowser.SignInAsync(page, "/approvals", key);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Approvals", Exact = true })).ToBeVisibleAsync();
    }

    [GeneratedRegex(@"^expires in (29|30) min \d+ s$")]
    private static partial Regex ExpiresIn();
}
