using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Playwright;

namespace Respond.Bench;

/// <summary>
/// The console's first view of a full queue (issue: at most 1 s on localhost with 10,000 incidents): fills the store with
/// --alerts distinct alerts (one incident each), then times the queue's API call and, in the machine's headless Chromium,
/// a fresh load of <c>/incidents</c> until its first page of rows is on screen.
/// </summary>
internal static class QueueScenario
{
    private const string Chromium = "/usr/bin/chromium";
    private const int ApiCalls = 20;
    private const int PageLoads = 10;

    public static async Task<int> RunAsync(BenchContext context)
    {
        var (options, http, cancel) = (context.Options, context.Http, context.Cancellation);
        if (!File.Exists(Chromium))
        {
            Console.Error.WriteLine($"{Chromium} is missing (apt install chromium); the queue scenario needs it.");
            return 2;
        }

        Console.WriteLine($"Respond queue benchmark: {options.Alerts} incidents, {Environment.ProcessorCount} cores");
        using var stack = await BenchStack.StartAsync(context, settings: null, logFile: null);
        var server = stack.Server;
        var load = new LoadGenerator(http, server.BaseAddress, stack.SourceToken);
        var fill = await load.RunUntilAcceptedAsync(options.Concurrency, options.Alerts, cancel);
        IngestionScenario.Report("fill", fill);
        server.EnsureRunning("the fill");

        var api = await ApiAsync(http, server.BaseAddress, stack.ViewerKey, cancel);
        var loads = await FirstViewsAsync(server.BaseAddress, stack.ViewerKey);

        var culture = CultureInfo.InvariantCulture;
        Console.WriteLine();
        Console.WriteLine($"== Respond queue benchmark ({Environment.ProcessorCount} cores, {api.Total} incidents stored)");
        Console.WriteLine(string.Create(culture,
            $"GET /api/incidents?sort=priority page 1 (50) ms: median {api.Median:0.0}, max {api.Max:0.0}, first {api.First:0.0} " +
                $"({ApiCalls} calls)"));
        Console.WriteLine(string.Create(culture,
            $"console /incidents to 50 rows on screen ms:     median {loads.Median:0}, max {loads.Max:0}, first {loads.First:0} " +
                $"({PageLoads} fresh loads in headless Chromium)"));
        Console.WriteLine($"target: first view at most 1000 ms: {(loads.Max <= 1000 ? "met" : "NOT met")} (worst load)");
        server.WriteLogSummary("Warning");
        return 0;
    }

    private static async Task<Timings> ApiAsync(HttpClient http, Uri baseAddress, string viewerKey, CancellationToken cancel)
    {
        var times = new List<double>();
        long total = 0;
        for (var i = 0; i < ApiCalls; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseAddress, "/api/incidents?sort=priority&page=1&pageSize=50"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", viewerKey);
            var started = Stopwatch.GetTimestamp();
            using var answer = await http.SendAsync(request, cancel);
            var body = await answer.Content.ReadAsStringAsync(cancel);
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (!answer.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"GET /api/incidents answered {(int)answer.StatusCode}: {body}");
            }

            total = JsonDocument.Parse(body).RootElement.GetProperty("total").GetInt64();
        }

        return Timings.Of(times, total);
    }

    // Each load is a new page in a signed-in browser profile: the HTML, the bundle (cached after the first, as a
    // responder's browser has it), the session check and the queue's API call, until the rows are rendered.
    private static async Task<Timings> FirstViewsAsync(Uri baseAddress, string viewerKey)
    {
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true });
        await using var context = await browser.NewContextAsync(new() { BaseURL = baseAddress.ToString() });
        var signIn = await context.NewPageAsync();
        await signIn.GotoAsync("/sign-in");
        await signIn.GetByLabel("API key").FillAsync(viewerKey);
        await signIn.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await signIn.WaitForURLAsync("**/incidents");
        await signIn.CloseAsync();

        var times = new List<double>();
        for (var i = 0; i < PageLoads; i++)
        {
            var page = await context.NewPageAsync();
            var started = Stopwatch.GetTimestamp();
            await page.GotoAsync("/incidents");
            await page.Locator("table.queue tbody tr").Nth(49).WaitForAsync(new() { Timeout = 30_000 });
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            await page.CloseAsync();
        }

        return Timings.Of(times, 0);
    }

    private sealed record Timings(double First, double Median, double Max, long Total)
    {
        public static Timings Of(List<double> times, long total)
        {
            var sorted = times.Order().ToList();
            return new Timings(times[0], sorted[sorted.Count / 2], sorted[^1], total);
        }
    }
}
