using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Respond.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Respond.Server.Tests.Browser;

/// <summary>
/// A SOC lead in a real browser: the dashboard with no incidents says so; after alerts arrive and one is acknowledged, the
/// figures it shows are the ones <c>GET /api/metrics/soc</c> answers for the range it names, in light and dark.
/// </summary>
[Collection(ConsoleBrowser.Sequential)]
public sealed partial class MetricsBrowserTests(ConsoleBrowser browser, ITestOutputHelper output) : IClassFixture<ConsoleBrowser>
{
    [RequiresProgramFact("chromium")]
    public async Task The_dashboard_shows_the_figures_the_metrics_api_answers_for_its_range()
    {
        var (context, page, errors) = await browser.NewPageAsync();
        await using var _ = context;

        await ConsoleBrowser.SignInAsync(page, "/metrics", TestUsers.ViewerKey);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "No incidents in this range" })).ToBeVisibleAsync();
        await Assertions.Expect(Figure(page, "mtta")).ToHaveTextAsync("—");

        // Three alerts of different severities; a responder acknowledges one through the API.
        var high = await browser.PostAlertAsync("metrics-1", "Brute force on vpn-01", "high");
        await browser.PostAlertAsync("metrics-2", "Ransomware note on fs-02", "critical");
        await browser.PostAlertAsync("metrics-3", "Port scan from 203.0.113.7", "low");
        using (var responder = browser.Server.Client("responder"))
        {
            await (await responder.PostJsonAsync($"/api/incidents/{high}/acknowledge", new { })).JsonAsync(HttpStatusCode.OK);
        }

        // Metrics are an async projection: wait until the API has them, then the page must show the same.
        using var viewer = browser.Server.Client("viewer");
        await Poll.UntilAsync(() => SocAsync(viewer, null, null), m => m["total"]!.GetValue<long>() == 3 && m["mtta"] is not null,
            TimeSpan.FromSeconds(30), "the metrics projection to catch up");

        await page.ReloadAsync();
        var soc = await AssertFiguresMatchApiAsync(page, viewer);
        Assert.Equal(3, soc["total"]!.GetValue<long>());
        Assert.Equal(1, soc["bySeverity"]!["critical"]!.GetValue<long>());
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "MTTA, MTTC and MTTR per day" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-breakdown=source] tr[data-name=generic] td")).ToHaveTextAsync("3");
        await Assertions.Expect(page.Locator("[data-breakdown=status] tr[data-name=acknowledged] td")).ToHaveTextAsync("1");
        await Assertions.Expect(Charts(page)).ToHaveCountAsync(5); // trend, opened, severity, status, source (nothing contained)
        var shots = new List<string> { await ConsoleBrowser.ScreenshotAsync(page, "13-metrics") };
        await ConsoleBrowser.AssertAccessibleAsync(page);

        // The range lives in the URL; the figures follow it, and Back returns to the default.
        await page.GetByLabel("Range", new() { Exact = true }).SelectOptionAsync("24h");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/metrics\?range=24h$"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "MTTA, MTTC and MTTR per hour" })).ToBeVisibleAsync();
        await AssertFiguresMatchApiAsync(page, viewer);
        await page.GoBackAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/metrics$"));
        await Assertions.Expect(page.GetByLabel("Range", new() { Exact = true })).ToHaveValueAsync("7d");

        // Dark theme: readable, and still accessible.
        await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Dark });
        await page.GotoAsync("/metrics?range=30d");
        await AssertFiguresMatchApiAsync(page, viewer);
        await Assertions.Expect(Charts(page)).ToHaveCountAsync(5);
        shots.Add(await ConsoleBrowser.ScreenshotAsync(page, "14-metrics-dark"));
        await ConsoleBrowser.AssertAccessibleAsync(page);

        // Runbooks that never ran say so beside their schedule.
        await page.GotoAsync("/runbooks");
        var drill = page.Locator("table.runbooks tbody tr").Filter(new() { HasText = "failover-drill" });
        await Assertions.Expect(drill).ToContainTextAsync("No runs yet");
        await ConsoleBrowser.AssertAccessibleAsync(page);

        foreach (var shot in shots)
        {
            output.WriteLine($"screenshot: {shot}");
        }

        Assert.True(errors.Count == 0, "The browser console showed errors:\n" + string.Join("\n", errors));
    }

    private static ILocator Figure(IPage page, string id) => page.Locator($"[data-figure={id}]");

    private static ILocator Charts(IPage page) => page.Locator(".metrics .chart .recharts-wrapper");

    /// <summary>Reads the range the page names, asks the API for it, and expects the page's figures to be the API's.</summary>
    internal static async Task<JsonNode> AssertFiguresMatchApiAsync(IPage page, HttpClient viewer)
    {
        await Assertions.Expect(Figure(page, "total")).Not.ToHaveTextAsync("0");
        var range = page.Locator(".window time");
        var from = await range.Nth(0).GetAttributeAsync("datetime");
        var to = await range.Nth(1).GetAttributeAsync("datetime");
        var soc = await SocAsync(viewer, from, to);

        await Assertions.Expect(Figure(page, "total")).ToHaveTextAsync(soc["total"]!.GetValue<long>().ToString(CultureInfo.InvariantCulture));
        foreach (var name in new[] { "mtta", "mttc", "mttr" })
        {
            await Assertions.Expect(Figure(page, name)).ToHaveTextAsync(Words(soc[name]?.GetValue<double>()));
        }

        foreach (var (severity, count) in soc["bySeverity"]!.AsObject())
        {
            await Assertions.Expect(page.Locator($"[data-breakdown=severity] tr[data-name={severity}] td"))
                .ToHaveTextAsync(count!.GetValue<long>().ToString(CultureInfo.InvariantCulture));
        }

        return soc;
    }

    internal static async Task<JsonNode> SocAsync(HttpClient viewer, string? from, string? to)
    {
        var query = from is null ? "" : $"?from={Uri.EscapeDataString(from)}&to={Uri.EscapeDataString(to!)}";
        return await (await viewer.GetAsync($"/api/metrics/soc{query}")).JsonAsync(HttpStatusCode.OK);
    }

    /// <summary>The console's wording of a duration (pages/runbooks/figures.ts), for the short spans a test produces.</summary>
    private static string Words(double? seconds)
    {
        if (seconds is not { } s)
        {
            return "—";
        }

        var whole = (long)Math.Round(s, MidpointRounding.AwayFromZero);
        if (whole < 60)
        {
            var shown = s < 10 ? Math.Round(s * 10, MidpointRounding.AwayFromZero) / 10 : whole;
            return shown.ToString("0.#", CultureInfo.InvariantCulture) + " s";
        }

        return whole < 3600 ? $"{whole / 60} min{(whole % 60 == 0 ? "" : $" {whole % 60} s")}" : throw new InvalidOperationException(
            $"A test's incident took {s} s to acknowledge; extend Words for hours.");
    }
}
