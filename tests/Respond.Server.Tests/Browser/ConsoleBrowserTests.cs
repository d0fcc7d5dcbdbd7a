using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Respond.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Respond.Server.Tests.Browser;

/// <summary>
/// A responder in a real browser: signs in with an API key, sees an alert posted through the webhook in the queue, opens it
/// with the keyboard, filters by the URL, comes back to the page after the session expires, and signs out.
/// </summary>
[Collection(ConsoleBrowser.Sequential)]
public sealed partial class ConsoleBrowserTests(ConsoleBrowser browser, ITestOutputHelper output) : IClassFixture<ConsoleBrowser>
{
    [RequiresProgramFact("chromium")]
    public async Task A_responder_signs_in_sees_a_webhook_alert_in_the_queue_and_opens_it_with_the_keyboard()
    {
        var (context, page, errors) = await browser.NewPageAsync();
        await using var _ = context;
        var shots = new List<string>();

        // Without a session the console sends the browser to sign in, remembering the page.
        await page.GotoAsync("/incidents?severity=high");
        await Assertions.Expect(page).ToHaveURLAsync(SignInUrl());
        Assert.Equal("/incidents?severity=high", ReturnUrl(page.Url));
        await Assertions.Expect(page.GetByLabel("API key")).ToBeVisibleAsync();
        shots.Add(await ConsoleBrowser.ScreenshotAsync(page, "1-sign-in"));
        await ConsoleBrowser.AssertAccessibleAsync(page);

        await page.GetByLabel("API key").FillAsync("not-a-key");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("That API key is not valid.");

        await page.GetByLabel("API key").FillAsync(TestUsers.ResponderKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/incidents\?severity=high$"));
        await Assertions.Expect(page.GetByText("No incidents match these filters")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("responder · responder")).ToBeVisibleAsync();

        // Alerts arrive through the webhook.
        var title = $"Brute force on web-01 {Guid.NewGuid():N}"[..40];
        var id = await browser.PostAlertAsync("browser-1", title, "high");
        await browser.PostAlertAsync("browser-2", "Disk filling on db-02", "critical");
        await browser.PostAlertAsync("browser-3", "Certificate expires in 10 days", "low");

        await page.GotoAsync("/incidents");
        var rows = page.Locator("table.queue tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(3);
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = title })).ToBeVisibleAsync();
        var row = rows.Filter(new() { HasText = title });
        await Assertions.Expect(row.Locator(".severity")).ToHaveTextAsync("high");
        await Assertions.Expect(row.Locator("time")).ToHaveTextAsync(new Regex(@"^\d+ (s|min)$"));
        shots.Add(await ConsoleBrowser.ScreenshotAsync(page, "2-queue"));
        await ConsoleBrowser.AssertAccessibleAsync(page);

        // Filters live in the URL.
        await page.GetByLabel("Severity").SelectOptionAsync("critical");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/incidents\?severity=critical$"));
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await page.GoBackAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(3);

        // j moves the selection down to our incident (newest first: it is the oldest of the three), Enter opens it.
        var index = await rows.EvaluateAllAsync<int>(
            "(rows, title) => rows.findIndex(r => r.textContent.includes(title))", title);
        await page.EvaluateAsync("() => document.activeElement?.blur()"); // keys go to the page, not a filter field
        for (var i = 0; i <= index; i++)
        {
            await page.Keyboard.PressAsync("j");
        }

        await Assertions.Expect(rows.Nth(index)).ToHaveClassAsync("selected");
        await page.Keyboard.PressAsync("k");
        await Assertions.Expect(rows.Nth(Math.Max(index - 1, 0))).ToHaveClassAsync("selected");
        await page.Keyboard.PressAsync("j");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex($"/incidents/{id}$"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = title })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".facts")).ToContainTextAsync("new");
        shots.Add(await ConsoleBrowser.ScreenshotAsync(page, "3-incident"));

        // An expired session returns to sign-in, then back to the page that was open.
        await context.ClearCookiesAsync();
        await page.ReloadAsync();
        await Assertions.Expect(page).ToHaveURLAsync(SignInUrl());
        Assert.Equal($"/incidents/{id}", ReturnUrl(page.Url));
        await page.GetByLabel("API key").FillAsync(TestUsers.ResponderKey);
        await page.GetByLabel("API key").PressAsync("Enter");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex($"/incidents/{id}$"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = title })).ToBeVisibleAsync();

        // Every console route is in the navigation; the ones not built yet say so.
        var nav = page.GetByRole(AriaRole.Navigation, new() { Name = "Main" });
        foreach (var name in new[] { "Incidents", "Approvals", "Playbooks", "Runbooks", "Metrics", "Sources" })
        {
            await Assertions.Expect(nav.GetByRole(AriaRole.Link, new() { Name = name, Exact = true })).ToBeVisibleAsync();
        }

        // The runbooks page lists the shipped runbooks; unconfigured, each says why it does not run, and cannot be run.
        await nav.GetByRole(AriaRole.Link, new() { Name = "Runbooks" }).ClickAsync();
        var drill = page.Locator("table.runbooks tbody tr").Filter(new() { HasText = "failover-drill" });
        await Assertions.Expect(drill).ToContainTextAsync("Not scheduled: No connector 'failover' is configured");
        await Assertions.Expect(drill.GetByRole(AriaRole.Button, new() { Name = "Run now" })).ToBeDisabledAsync();
        shots.Add(await ConsoleBrowser.ScreenshotAsync(page, "6-runbooks"));

        await nav.GetByRole(AriaRole.Link, new() { Name = "Playbooks" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Coming soon" })).ToBeVisibleAsync();
        shots.Add(await ConsoleBrowser.ScreenshotAsync(page, "4-coming-soon"));

        // Dark theme follows the system.
        await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Dark });
        await page.GotoAsync("/incidents");
        await Assertions.Expect(rows).ToHaveCountAsync(3);
        var background = await page.EvaluateAsync<string>("getComputedStyle(document.body).backgroundColor");
        Assert.Equal("rgb(15, 19, 24)", background);
        shots.Add(await ConsoleBrowser.ScreenshotAsync(page, "5-queue-dark"));

        // A new incident arrives live, from the event feed, with no reload, in priority order: below critical and high.
        await browser.PostAlertAsync("browser-4", "Live: impossible travel for ada", "medium");
        await Assertions.Expect(rows).ToHaveCountAsync(4);
        await Assertions.Expect(rows.Nth(2)).ToContainTextAsync("Live: impossible travel for ada");

        // With the pointer on the rows, the next one waits and says so; nothing moves until the pointer leaves.
        await rows.First.HoverAsync();
        await browser.PostAlertAsync("browser-5", "Live: ransomware note on fs-01", "critical");
        var waiting = page.GetByRole(AriaRole.Button, new() { Name = "1 new incident waiting: show" });
        await Assertions.Expect(waiting).ToBeVisibleAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(4);
        await Assertions.Expect(rows.First).ToContainTextAsync("Disk filling on db-02");
        await page.Mouse.MoveAsync(5, 700);
        await Assertions.Expect(rows).ToHaveCountAsync(5);
        await Assertions.Expect(rows.First).ToContainTextAsync("Live: ransomware note on fs-01");
        await Assertions.Expect(waiting).ToBeHiddenAsync();

        // Sign-out ends the session on the server: the console is back at sign-in, and stays there.
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(SignInUrl());
        await page.GotoAsync("/incidents");
        await Assertions.Expect(page).ToHaveURLAsync(SignInUrl());

        foreach (var shot in shots)
        {
            output.WriteLine($"screenshot: {shot}");
        }

        Assert.True(errors.Count == 0, "The browser console showed errors:\n" + string.Join("\n", errors));
    }

    [RequiresProgramFact("chromium")]
    public async Task The_dashboard_sends_a_browser_to_the_console_s_sign_in_and_gets_it_back()
    {
        var (context, page, errors) = await browser.NewPageAsync();
        await using var _ = context;

        await page.GotoAsync("/hangfire/recurring");
        await Assertions.Expect(page).ToHaveURLAsync(SignInUrl());
        Assert.Equal("/hangfire/recurring", ReturnUrl(page.Url));
        await page.GetByLabel("API key").FillAsync(TestUsers.AdminKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/hangfire/recurring$"));
        await Assertions.Expect(page).ToHaveTitleAsync(new Regex("Respond jobs"));
        Assert.True(errors.Count == 0, "The browser console showed errors:\n" + string.Join("\n", errors));
    }

    private static Regex SignInUrl() => SignIn();

    private static string? ReturnUrl(string url) =>
        System.Web.HttpUtility.ParseQueryString(new Uri(url).Query)["returnUrl"];

    [GeneratedRegex(@"/sign-in(\?|$)")]
    private static partial Regex SignIn();
}
