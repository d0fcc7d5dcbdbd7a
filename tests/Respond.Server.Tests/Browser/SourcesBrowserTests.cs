using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Respond.Server.Alerts;
using Respond.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Respond.Server.Tests.Browser;

/// <summary>
/// The sources page in a real browser: an admin adds a signed generic source and sees its secret once, in the sender snippet;
/// a delivery signed with it is accepted; a test alert from the page opens an incident in the queue; the secret is rotated and
/// the source deleted. A viewer (in the dark theme) sees the sources but none of the admin's actions.
/// </summary>
[Collection(ConsoleBrowser.Sequential)]
public sealed partial class SourcesBrowserTests(ConsoleBrowser browser, ITestOutputHelper output) : IClassFixture<ConsoleBrowser>
{
    private const string Name = "edr-browser";

    [RequiresProgramFact("chromium")]
    public async Task An_admin_adds_a_source_sees_its_secret_once_tests_it_rotates_and_deletes_it()
    {
        var (context, page, errors) = await browser.NewPageAsync();
        await using var _ = context;
        await SignInAsync(page, TestUsers.AdminKey);

        // Configured sources are listed read-only, with their absolute webhook URL and a snippet.
        var origin = browser.Server.BaseAddress.ToString().TrimEnd('/');
        var configured = Card(page, "alertmanager");
        await Assertions.Expect(configured).ToContainTextAsync("from configuration · read-only");
        await Assertions.Expect(configured.Locator("code.url")).ToHaveTextAsync($"{origin}/api/webhooks/alertmanager");
        await Assertions.Expect(configured.Locator("pre")).ToContainTextAsync("webhook_configs:");
        await Assertions.Expect(configured.GetByRole(AriaRole.Button, new() { Name = "Send test alert" })).ToBeVisibleAsync();
        await Assertions.Expect(configured.GetByRole(AriaRole.Button, new() { Name = "Rotate secret" })).ToHaveCountAsync(0);
        await Assertions.Expect(configured.GetByRole(AriaRole.Button, new() { Name = "Delete" })).ToHaveCountAsync(0);
        await Assertions.Expect(Card(page, "azure-monitor").Locator("pre")).ToHaveTextAsync($"{origin}/api/webhooks/azure-monitor?code=<token>");
        var shots = new List<string> { await ConsoleBrowser.ScreenshotAsync(page, "11-sources") };
        await ConsoleBrowser.AssertAccessibleAsync(page);

        // Add a generic source that signs: the secret is shown once, and sits in the signed curl.
        await page.GetByLabel("Kind").SelectOptionAsync("generic");
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync(Name);
        await page.GetByRole(AriaRole.Button, new() { Name = "Add source" }).ClickAsync();
        var once = page.GetByRole(AriaRole.Region, new() { Name = $"The signing secret of {Name} is shown once — copy it now" });
        await Assertions.Expect(once).ToBeVisibleAsync();
        var secret = (await once.Locator("code.secret").TextContentAsync())!.Trim();
        Assert.True(secret.Length >= 43, "a secret carries at least 256 bits");
        var added = Card(page, Name);
        await Assertions.Expect(added).ToContainTextAsync("added in the console");
        await Assertions.Expect(added.Locator("pre")).ToContainTextAsync($"SECRET='{secret}'");
        await Assertions.Expect(added.Locator("pre")).ToContainTextAsync("X-Respond-Signature: t=$T,v1=$SIG");
        await once.GetByRole(AriaRole.Button, new() { Name = "Copy the signing secret" }).ClickAsync();
        // Headless Chromium may refuse the clipboard: the page then says how to copy by hand, and throws nothing.
        await Assertions.Expect(once.Locator(".copy [role=status]")).ToHaveTextAsync(new Regex("^Copied$|refused the clipboard"));
        shots.Add(await ConsoleBrowser.ScreenshotAsync(page, "12-source-added"));
        await ConsoleBrowser.AssertAccessibleAsync(page);

        // The secret works at once: a delivery signed with it is accepted.
        using (var sender = browser.Server.Client())
        {
            await (await SendSignedAsync(sender, secret, "edr-1")).JsonAsync(HttpStatusCode.Accepted);
        }

        // A test alert from the page opens an incident in the queue.
        await added.GetByRole(AriaRole.Button, new() { Name = "Send test alert" }).ClickAsync();
        await Assertions.Expect(added.GetByRole(AriaRole.Status).Filter(new() { HasText = "Test alert sent" })).ToBeVisibleAsync();
        await added.GetByRole(AriaRole.Link, new() { Name = "open its incident" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Test alert from {Name}" })).ToBeVisibleAsync();
        await page.GotoAsync("/incidents");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = $"Test alert from {Name}" })).ToBeVisibleAsync();

        // Rotate (after a confirm): a new secret, shown once; the old one is refused.
        await page.GotoAsync("/sources");
        added = Card(page, Name);
        await added.GetByRole(AriaRole.Button, new() { Name = "Rotate secret" }).ClickAsync();
        await added.GetByRole(AriaRole.Button, new() { Name = "Yes, rotate" }).ClickAsync();
        await Assertions.Expect(once).ToBeVisibleAsync();
        var rotated = (await once.Locator("code.secret").TextContentAsync())!.Trim();
        Assert.NotEqual(secret, rotated);
        await Assertions.Expect(added.Locator("pre")).ToContainTextAsync($"SECRET='{rotated}'");
        using (var sender = browser.Server.Client())
        {
            await (await SendSignedAsync(sender, secret, "edr-2")).ProblemAsync(HttpStatusCode.Unauthorized);
            await (await SendSignedAsync(sender, rotated, "edr-3")).JsonAsync(HttpStatusCode.Accepted);
        }

        // Delete, after a confirm; Cancel keeps it.
        await added.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await added.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await added.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await added.GetByRole(AriaRole.Button, new() { Name = "Yes, delete" }).ClickAsync();
        await Assertions.Expect(Card(page, Name)).ToHaveCountAsync(0);

        // A viewer sees the sources and their snippets, but no add, test, rotate or delete.
        var (viewerContext, viewerPage, viewerErrors) = await browser.NewPageAsync(ColorScheme.Dark);
        await using var __ = viewerContext;
        await SignInAsync(viewerPage, TestUsers.ViewerKey);
        await Assertions.Expect(Card(viewerPage, "generic").Locator("pre")).ToContainTextAsync("X-Respond-Signature");
        await ConsoleBrowser.AssertAccessibleAsync(viewerPage); // the dark theme reads as well
        await Assertions.Expect(viewerPage.GetByRole(AriaRole.Heading, new() { Name = "Add a source" })).ToHaveCountAsync(0);
        foreach (var action in new[] { "Send test alert", "Rotate secret", "Delete", "Add source" })
        {
            await Assertions.Expect(viewerPage.GetByRole(AriaRole.Button, new() { Name = action })).ToHaveCountAsync(0);
        }

        foreach (var shot in shots)
        {
            output.WriteLine($"screenshot: {shot}");
        }

        var all = errors.Concat(viewerErrors).ToList();
        Assert.True(all.Count == 0, "The browser console showed errors:\n" + string.Join("\n", all));
    }

    private static ILocator Card(IPage page, string name) => page.Locator("article.source")
        .Filter(new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = name, Exact = true }) });

    private static Task<HttpResponseMessage> SendSignedAsync(HttpClient client, string secret, string id)
    {
        var body = Samples.Generic(id, $"EDR detection {id}");
        var request = Samples.Delivery(Name, body, token: null);
        var signature = SourceAuthenticator.Sign(secret, Encoding.UTF8.GetBytes(body), DateTimeOffset.UtcNow);
        request.Headers.Add(SourceAuthenticator.SignatureHeader, signature);
        return client.SendAsync(request);
    }

    private static async Task SignInAsync(IPage page, string key)
    {
        await ConsoleBrowser.SignInAsync(page, "/sources", key);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sources", Exact = true })).ToBeVisibleAsync();
    }
}
