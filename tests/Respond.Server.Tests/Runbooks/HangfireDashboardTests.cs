using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Respond.Server.Tests.Infrastructure;

namespace Respond.Server.Tests.Runbooks;

/// <summary><c>/hangfire</c> is for admins: a browser without a session is sent to sign in, an API client gets 401, others 403.</summary>
public sealed class HangfireDashboardTests(RespondApp app) : IClassFixture<RespondApp>
{
    [Fact]
    public async Task A_browser_without_a_session_is_sent_to_sign_in_and_comes_back_to_the_dashboard()
    {
        using var browser = app.Anonymous();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/hangfire/recurring?x=1");
        request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml;q=0.9,*/*;q=0.8");

        var answer = await browser.SendAsync(request);

        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        Assert.Equal("/sign-in?returnUrl=%2Fhangfire%2Frecurring%3Fx%3D1", answer.Headers.Location!.OriginalString);

        var page = await browser.GetAsync("/sign-in?returnUrl=%2Fhangfire");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        // The console's page: it signs in with the API key in the browser and returns to ?returnUrl= (ConsoleBrowserTests).
        Assert.Contains("<title>Respond</title>", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var policy = string.Join(" ", page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_api_client_without_credentials_gets_401_a_viewer_403_and_an_admin_the_dashboard_by_key_or_session()
    {
        await (await app.Anonymous().GetAsync("/hangfire")).ProblemAsync(HttpStatusCode.Unauthorized);
        await (await app.As("viewer").GetAsync("/hangfire")).ProblemAsync(HttpStatusCode.Forbidden);

        using var viewerBrowser = app.As("viewer");
        viewerBrowser.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        Assert.Equal(HttpStatusCode.Forbidden, (await viewerBrowser.GetAsync("/hangfire")).StatusCode);

        var byKey = await app.As("admin").GetAsync("/hangfire");
        Assert.Equal(HttpStatusCode.OK, byKey.StatusCode);
        Assert.Contains("Respond jobs", await byKey.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var session = app.Anonymous();
        var signIn = await session.PostAsJsonAsync("/api/session", new { apiKey = TestUsers.AdminKey });
        session.DefaultRequestHeaders.Add("Cookie", signIn.Headers.GetValues("Set-Cookie").Single().Split(';')[0]);
        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync("/hangfire/recurring")).StatusCode);
    }
}
