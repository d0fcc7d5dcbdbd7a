using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Respond.Server.Tests.Infrastructure;

namespace Respond.Server.Tests.Hosting;

/// <summary>
/// The console's page answers its routes, to anyone (SPEC §7), and nothing else: the API, the dashboard, the API reference
/// and health keep their own answers and their own auth.
/// </summary>
public sealed partial class ConsoleRoutesTests(RespondApp app) : IClassFixture<RespondApp>
{
    [Theory]
    [InlineData("/")]
    [InlineData("/sign-in?returnUrl=%2Fhangfire")]
    [InlineData("/incidents?severity=high&q=disk")]
    [InlineData("/incidents/0f8fad5b-d9cb-469f-a165-70867728950e")]
    [InlineData("/approvals")]
    [InlineData("/playbooks")]
    [InlineData("/playbooks/contain-host")]
    [InlineData("/runbooks")]
    [InlineData("/metrics")]
    [InlineData("/sources")]
    public async Task Each_console_route_is_the_console_page_without_credentials(string path)
    {
        var page = await app.Anonymous().GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        Assert.Contains("<div id=\"root\"></div>", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var policy = string.Join(" ", page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
        Assert.Equal("no-cache", page.Headers.CacheControl!.ToString());
    }

    [Fact]
    public async Task The_page_s_own_files_are_public_and_cached_for_good()
    {
        var html = await (await app.Anonymous().GetAsync("/incidents")).Content.ReadAsStringAsync();
        var script = ScriptPath().Match(html).Groups[1].Value;
        Assert.StartsWith("/assets/", script, StringComparison.Ordinal);

        var file = await app.Anonymous().GetAsync(script);

        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Equal("text/javascript", file.Content.Headers.ContentType!.MediaType);
        Assert.Contains("immutable", file.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Other_paths_keep_their_own_answers()
    {
        await (await app.Anonymous().GetAsync("/api/no-such-route")).ProblemAsync(HttpStatusCode.Unauthorized);
        await (await app.As("viewer").GetAsync("/api/no-such-route")).ProblemAsync(HttpStatusCode.NotFound);
        await (await app.Anonymous().GetAsync("/api/incidents")).ProblemAsync(HttpStatusCode.Unauthorized);
        await (await app.Anonymous().GetAsync("/hangfire")).ProblemAsync(HttpStatusCode.Unauthorized);
        await (await app.Anonymous().GetAsync("/openapi/v1.json")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("text/plain", (await app.Anonymous().GetAsync("/health/live")).Content.Headers.ContentType?.MediaType);

        // Not a console route: not the console page.
        foreach (var path in new[] { "/incidents/a/b", "/nowhere", "/api" })
        {
            var answer = await app.As("viewer").GetAsync(path);
            Assert.NotEqual("text/html", answer.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task The_queue_filters_by_source()
    {
        var viewer = app.As("viewer");
        var byHand = await app.As("responder").OpenIncidentAsync("Opened by hand");
        var answer = await (await app.Anonymous().SendAsync(Samples.Delivery("generic", Samples.Generic($"by-source-{Guid.NewGuid():N}"))))
            .JsonAsync(HttpStatusCode.Accepted);
        var fromGeneric = answer["alerts"]![0]!["incidentId"]!.GetValue<Guid>();

        var generic = await viewer.GetFromJsonAsync<Page>("/api/incidents?source=generic&pageSize=200");
        Assert.Contains(generic!.Items, i => i.Id == fromGeneric);
        Assert.DoesNotContain(generic.Items, i => i.Id == byHand);
        Assert.All(generic.Items, i => Assert.Contains("generic", i.Sources));

        var none = await viewer.GetFromJsonAsync<Page>("/api/incidents?source=no-such-source");
        Assert.Equal(0, none!.Total);
    }

    private sealed record Page(List<Item> Items, long Total);

    private sealed record Item(Guid Id, List<string> Sources);

    [GeneratedRegex("<script type=\"module\" crossorigin src=\"([^\"]+)\"")]
    private static partial Regex ScriptPath();
}
