using System.Net;
using System.Text.Json;
using Microsoft.Playwright;
using Respond.Server.Tests.Infrastructure;

namespace Respond.Server.Tests.Browser;

/// <summary>
/// The real server as its own process, on a fresh database, and Debian's headless Chromium (<c>/usr/bin/chromium</c>, never a
/// downloaded browser) driven through Playwright's driver, which ships inside the NuGet package and runs offline.
/// </summary>
public class ConsoleBrowser : IAsyncLifetime
{
    /// <summary>Browser test classes share this collection, so they run one after another (each with its own server).</summary>
    public const string Sequential = "console-browser";

    public const string Chromium = "/usr/bin/chromium";

    private IPlaywright? playwright;

    public ServerProcess Server { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where the screenshots go: a folder under the test output.</summary>
    public static string Screenshots { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots", "console");

    public async Task InitializeAsync()
    {
        if (!File.Exists(Chromium))
        {
            return; // the facts are skipped (RequiresProgramFact) and say why
        }

        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        Assertions.SetDefaultExpectTimeout(15_000); // a busy 2-core CI machine, not a slow page
        // The shipped playbook library, as a newcomer's server has it: its runbooks wait for their connectors.
        var shipped = Path.Combine(Respond.Server.Storage.RepositoryRoot.Find(AppContext.BaseDirectory)!, "playbooks");
        var settings = new Dictionary<string, string?> { ["Respond:Playbooks:Path"] = shipped };
        foreach (var (key, value) in await ExtraSettingsAsync())
        {
            settings[key] = value;
        }

        Server = await ServerProcess.StartAsync(await TestPostgres.CreateDatabaseAsync("console"), settings);
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true });
        Directory.CreateDirectory(Screenshots);
    }

    /// <summary>What a variant of the server needs on top (an identity provider, say), started before the server.</summary>
    protected virtual Task<IDictionary<string, string?>> ExtraSettingsAsync() =>
        Task.FromResult<IDictionary<string, string?>>(new Dictionary<string, string?>());

    public virtual async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        playwright?.Dispose();
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }
    }

    /// <summary>A fresh browser profile (no cookies) with a page, recording what would show in its developer console.</summary>
    public async Task<(IBrowserContext Context, IPage Page, List<string> Errors)> NewPageAsync(ColorScheme scheme = ColorScheme.Light)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Server.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 720 },
            ColorScheme = scheme,
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(15_000);
        var errors = new List<string>();
        // Chromium reports every 4xx answer as a console error; a 401 before signing in is expected, anything else is not.
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && !message.Text.Contains("status of 401", StringComparison.Ordinal))
            {
                lock (errors)
                {
                    errors.Add(message.Text);
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (errors)
            {
                errors.Add(error);
            }
        };
        return (context, page, errors);
    }

    /// <summary>
    /// Runs axe-core (the console's own npm copy, evaluated through the debugging protocol, so the page's CSP is untouched) and
    /// fails on any serious or critical violation, naming each rule and the elements it found.
    /// </summary>
    public static async Task AssertAccessibleAsync(IPage page)
    {
        var root = Respond.Server.Storage.RepositoryRoot.Find(AppContext.BaseDirectory)!;
        var axe = Path.Combine(root, "src", "Respond.Console", "node_modules", "axe-core", "axe.min.js");
        await page.EvaluateAsync(await File.ReadAllTextAsync(axe));
        var violations = await page.EvaluateAsync<JsonElement>("""
            async () => (await axe.run(document, { resultTypes: ['violations'] })).violations
              .filter(v => v.impact === 'serious' || v.impact === 'critical')
              .map(v => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)
            """);
        var found = violations.EnumerateArray().Select(v => v.GetString()).ToList();
        Assert.True(found.Count == 0, $"axe-core found serious violations on {page.Url}:\n" + string.Join("\n", found));
    }

    /// <summary>Posts one generic alert through the webhook, as a monitoring tool would, and answers its incident's id.</summary>
    public async Task<Guid> PostAlertAsync(string externalId, string title, string severity)
    {
        using var client = Server.Client();
        var answer = await (await client.SendAsync(Samples.Delivery("generic", Samples.Generic(externalId, title, severity))))
            .JsonAsync(HttpStatusCode.Accepted);
        return answer["alerts"]![0]!["incidentId"]!.GetValue<Guid>();
    }

    /// <summary>Opens <paramref name="path"/>, which sends a browser without a session to sign in, signs in with the key, and
    /// expects to be back on that path.</summary>
    public static async Task SignInAsync(IPage page, string path, string key)
    {
        await page.GotoAsync(path);
        await Assertions.Expect(page.GetByLabel("API key")).ToBeVisibleAsync();
        await page.GetByLabel("API key").FillAsync(key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(
            System.Text.RegularExpressions.Regex.Escape(path) + "$"));
    }

    public static async Task<string> ScreenshotAsync(IPage page, string name)
    {
        var path = Path.Combine(Screenshots, $"{name}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }
}

/// <summary>Browser classes run one at a time: two Chromiums and two servers at once starve a 2-core machine.</summary>
[CollectionDefinition(ConsoleBrowser.Sequential)]
public sealed class ConsoleBrowserCollection;
