using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Respond.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Respond.Server.Tests.Browser;

/// <summary>
/// The incident detail page in a real browser: the timeline in words, acknowledging and commenting, a change made elsewhere
/// arriving live, a stale version (412) explained without losing the typed text, time travel, and what a viewer sees.
/// </summary>
[Collection(ConsoleBrowser.Sequential)]
public sealed class IncidentDetailBrowserTests(ConsoleBrowser browser, ITestOutputHelper output) : IClassFixture<ConsoleBrowser>
{
    [RequiresProgramFact("chromium")]
    public async Task A_responder_reads_the_timeline_acts_recovers_from_a_stale_version_and_looks_at_the_past()
    {
        var groupKey = $"{{}}:{{alertname=\"Disk{Guid.NewGuid():N}\"}}";
        var id = await PostAlertmanagerAsync(groupKey, "fp-a", "Disk filling on db-01", "opened");
        await PostAlertmanagerAsync(groupKey, "fp-b", "Disk filling on db-02", "correlated");

        var (context, page, errors) = await browser.NewPageAsync();
        await using var _ = context;
        await ConsoleBrowser.SignInAsync(page, $"/incidents/{id}", TestUsers.ResponderKey);

        // The timeline, in words: opened, then the second alert joined.
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Disk filling on db-01", Level = 1 })).ToBeVisibleAsync();
        var entries = page.Locator(".inc-timeline li");
        await Assertions.Expect(entries).ToHaveCountAsync(2);
        await Assertions.Expect(entries.Nth(0)).ToContainTextAsync("Opened the incident “Disk filling on db-01”, severity medium");
        await Assertions.Expect(entries.Nth(0)).ToContainTextAsync("alert source alertmanager");
        await Assertions.Expect(entries.Nth(1)).ToContainTextAsync("Alert “Disk filling on db-02” from alertmanager joined the incident");
        await Assertions.Expect(page.Locator(".facts")).ToContainTextAsync("new");

        // Acknowledge and comment: each shows in the timeline, and acknowledging is no longer offered.
        await page.GetByRole(AriaRole.Button, new() { Name = "Acknowledge", Exact = true }).ClickAsync();
        await Assertions.Expect(entries.Nth(2)).ToContainTextAsync("Acknowledged the incident.");
        await Assertions.Expect(entries.Nth(2)).ToContainTextAsync("responder");
        await Assertions.Expect(page.Locator(".facts")).ToContainTextAsync("acknowledged");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Acknowledge", Exact = true })).ToHaveCountAsync(0);

        await page.GetByLabel("Comment", new() { Exact = true }).FillAsync("Blocked the source IP at the edge.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add comment" }).ClickAsync();
        await Assertions.Expect(entries.Nth(3)).ToContainTextAsync("Commented.");
        await Assertions.Expect(entries.Nth(3)).ToContainTextAsync("Blocked the source IP at the edge.");
        await Assertions.Expect(page.GetByLabel("Comment", new() { Exact = true })).ToHaveValueAsync("");

        // A change made elsewhere arrives live, from the event feed, without a reload.
        using var other = browser.Server.Client("admin");
        (await other.PostAsJsonAsync($"/api/incidents/{id}/assign", new { assignee = "bob" })).EnsureSuccessStatusCode();
        await Assertions.Expect(entries.Nth(4)).ToContainTextAsync("Assigned the incident to bob.");
        await Assertions.Expect(page.Locator(".facts")).ToContainTextAsync("bob");
        await ShotAsync(page, "7-incident-detail");
        await ConsoleBrowser.AssertAccessibleAsync(page);

        // Stale: with the live feed held up, someone else changes the incident while the responder types.
        await page.RouteAsync("**/api/events", _ => { });
        await page.ReloadAsync();
        await Assertions.Expect(entries).ToHaveCountAsync(5);
        const string typed = "Reset the password of ada; MFA re-enrolled.";
        await page.GetByLabel("Comment", new() { Exact = true }).FillAsync(typed);
        (await other.PostAsJsonAsync($"/api/incidents/{id}/severity", new { severity = "critical", reason = "Domain admin involved" }))
            .EnsureSuccessStatusCode();
        await page.GetByRole(AriaRole.Button, new() { Name = "Add comment" }).ClickAsync();
        var alert = page.GetByRole(AriaRole.Alert);
        await Assertions.Expect(alert).ToContainTextAsync("Someone else changed this incident");
        await Assertions.Expect(alert).ToContainTextAsync("your text is kept");
        await Assertions.Expect(page.GetByLabel("Comment", new() { Exact = true })).ToHaveValueAsync(typed);
        // Reloaded: the other change shows, in the facts and in the timeline.
        await Assertions.Expect(page.Locator(".inc-head .severity")).ToHaveTextAsync("critical");
        await Assertions.Expect(entries.Nth(5)).ToContainTextAsync("Changed the severity from medium to critical.");
        await ShotAsync(page, "8-incident-stale");
        await ConsoleBrowser.AssertAccessibleAsync(page);

        // Sent again, on the version now shown, it goes through.
        await page.GetByRole(AriaRole.Button, new() { Name = "Add comment" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Comment added" })).ToBeVisibleAsync();
        await Assertions.Expect(entries.Nth(6)).ToContainTextAsync(typed);
        await Assertions.Expect(page.GetByLabel("Comment", new() { Exact = true })).ToHaveValueAsync("");

        // Time travel: version 1 is the incident as it opened; later events are marked, and actions are off.
        // With the keyboard, as a person would: Home is the first version.
        await page.GetByLabel("Version", new() { Exact = true }).PressAsync("Home");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"\?version=1$"));
        await Assertions.Expect(page.Locator(".facts")).ToContainTextAsync("new");
        await Assertions.Expect(page.Locator(".inc-head .severity")).ToHaveTextAsync("medium");
        await Assertions.Expect(page.Locator(".inc-timeline li.later")).ToHaveCountAsync(6);
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Add comment" })).ToBeDisabledAsync();
        await ShotAsync(page, "7-incident-past");
        await page.GetByRole(AriaRole.Button, new() { Name = "Back to now" }).ClickAsync();
        await Assertions.Expect(page.Locator(".facts")).ToContainTextAsync("acknowledged");
        await Assertions.Expect(page.Locator(".inc-timeline li.later")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Add comment" })).ToBeEnabledAsync();

        // The dark theme reads as well.
        await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Dark });
        await ShotAsync(page, "7-incident-detail-dark");
        await ConsoleBrowser.AssertAccessibleAsync(page);

        // Chromium reports the 412 answer as a console error; it is the point of this test, anything else is not.
        var unexpected = errors.Where(e => !e.Contains("status of 412", StringComparison.Ordinal)).ToList();
        Assert.True(unexpected.Count == 0, "The browser console showed errors:\n" + string.Join("\n", unexpected));
    }

    [RequiresProgramFact("chromium")]
    public async Task A_viewer_reads_the_incident_without_any_action_and_a_missing_incident_says_so()
    {
        var id = await browser.PostAlertAsync($"viewer-{Guid.NewGuid():N}", "Impossible travel for ada", "high");
        var (context, page, errors) = await browser.NewPageAsync();
        await using var _ = context;
        await ConsoleBrowser.SignInAsync(page, $"/incidents/{id}", TestUsers.ViewerKey);

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Impossible travel for ada", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".inc-timeline li").First).ToContainTextAsync("Opened the incident");
        await Assertions.Expect(page.GetByText("acting on it needs the responder role")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".inc-actions")).ToHaveCountAsync(0);
        foreach (var name in new[] { "Acknowledge", "Add comment", "Assign", "Change severity", "Add observable", "Close incident" })
        {
            await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = name, Exact = true })).ToHaveCountAsync(0);
        }

        await Assertions.Expect(page.Locator(".inc-entities")).ToContainTextAsync("203.0.113.9");

        // A playbook run on it, started by hand: it passes its condition and waits for approval. The run shows live with each
        // step's status, says it waits for approval, and links to the inbox.
        await StartApprovalRunAsync(id);
        var run = page.Locator(".inc-run");
        await Assertions.Expect(run).ToContainTextAsync("Approve, then contain");
        await Assertions.Expect(run.GetByText("Waiting for approval at step “approve”")).ToBeVisibleAsync();
        await Assertions.Expect(run.GetByRole(AriaRole.Link, new() { Name = "Decide it in Approvals" })).ToHaveAttributeAsync("href", "/approvals");
        await Assertions.Expect(StepStatus(run, "check")).ToHaveTextAsync("succeeded");
        await Assertions.Expect(StepStatus(run, "approve")).ToHaveTextAsync("waiting");
        await Assertions.Expect(StepStatus(run, "contain")).ToHaveTextAsync("pending");

        // Run events in the timeline link to the run's section.
        var asked = page.Locator(".inc-timeline li").Filter(new() { HasText = "Asked for approval of step “approve”" });
        await asked.GetByRole(AriaRole.Link, new() { Name = "See the run" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("#run-[0-9a-f-]{36}$"));
        await ShotAsync(page, "7-incident-run");
        await ConsoleBrowser.AssertAccessibleAsync(page);

        var missing = Guid.NewGuid();
        await page.GotoAsync($"/incidents/{missing}");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"No incident {missing}" })).ToBeVisibleAsync();

        // Chromium reports the missing incident's 404 as a console error; that answer is what this part asks for.
        var unexpected = errors.Where(e => !e.Contains("status of 404", StringComparison.Ordinal)).ToList();
        Assert.True(unexpected.Count == 0, "The browser console showed errors:\n" + string.Join("\n", unexpected));
    }

    private static ILocator StepStatus(ILocator run, string step) =>
        run.Locator("tbody tr")
            .Filter(new() { Has = run.Page.GetByRole(AriaRole.Rowheader, new() { Name = step, Exact = true }) })
            .Locator(".inc-step");

    /// <summary>Publishes a manual playbook that asks an approver, and starts it on the incident as the responder.</summary>
    private async Task StartApprovalRunAsync(Guid incidentId)
    {
        const string playbook = """
            { "id": "detail-approve", "name": "Approve, then contain", "trigger": { "on": "manual" },
              "steps": [
                { "id": "check", "type": "condition", "if": "incident.severity == 'high'", "next": { "true": "approve", "false": "done" } },
                { "id": "approve", "type": "approval", "approvers": { "roles": ["approver"] }, "timeout": "PT30M",
                  "next": { "approved": "contain", "rejected": "done", "expired": "done" } },
                { "id": "contain", "type": "incident", "status": "contained", "summary": "Contained by the playbook", "next": "done" },
                { "id": "done", "type": "end" } ] }
            """;
        using var author = browser.Server.Client("author");
        using var content = new StringContent(playbook, System.Text.Encoding.UTF8, "application/json");
        (await author.PostAsync("/api/playbooks/detail-approve/publish", content)).EnsureSuccessStatusCode();
        using var responder = browser.Server.Client("responder");
        (await responder.PostAsJsonAsync($"/api/incidents/{incidentId}/runs", new { playbookId = "detail-approve" })).EnsureSuccessStatusCode();
    }

    private async Task ShotAsync(IPage page, string name) =>
        output.WriteLine($"screenshot: {await ConsoleBrowser.ScreenshotAsync(page, name)}");


    private async Task<Guid> PostAlertmanagerAsync(string groupKey, string fingerprint, string summary, string disposition)
    {
        var body = $$"""
            {"version":"4","groupKey":{{System.Text.Json.JsonSerializer.Serialize(groupKey)}},"status":"firing","receiver":"respond",
             "groupLabels":{},"commonLabels":{},"commonAnnotations":{},"externalURL":"http://am","truncatedAlerts":0,
             "alerts":[{"status":"firing","labels":{"alertname":"DiskFull","severity":"warning","instance":"db-01:9100"},
               "annotations":{"summary":"{{summary}}"},"startsAt":"2026-12-06T21:00:00Z","endsAt":"0001-01-01T00:00:00Z",
               "generatorURL":"http://prom","fingerprint":"{{fingerprint}}"}]}
            """;
        using var client = browser.Server.Client();
        var answer = (await (await client.SendAsync(Samples.Delivery("alertmanager", body))).JsonAsync(HttpStatusCode.Accepted))["alerts"]![0]!;
        Assert.Equal(disposition, answer["disposition"]!.GetValue<string>());
        return answer["incidentId"]!.GetValue<Guid>();
    }
}
