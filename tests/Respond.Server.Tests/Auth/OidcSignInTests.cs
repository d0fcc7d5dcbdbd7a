using System.Net;
using System.Net.Http.Json;
using Respond.Server.Tests.Infrastructure;

namespace Respond.Server.Tests.Auth;

public sealed class OidcSignInApp : OidcApp
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Respond:Auth:ClientId"] = "respond-console",
        ["Respond:Auth:DisplayName"] = "Contoso Entra ID",
    };
}

/// <summary>A person signs in to the console at the identity provider (code flow with PKCE) and gets a session cookie.</summary>
public sealed class OidcSignInTests(OidcSignInApp app) : IClassFixture<OidcSignInApp>
{
    [Fact]
    public async Task The_sign_in_page_learns_that_single_sign_on_is_offered()
    {
        var providers = await (await app.Anonymous().GetAsync("/api/session/providers")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("Contoso Entra ID", providers["oidc"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_provider_sign_in_opens_a_session_with_the_granted_roles_and_returns_to_the_page()
    {
        app.Issuer.SignIns.NextUser = new("0a1b-erin", "erin@contoso.com", ["responder"]);
        var (client, location) = await SignInAsync("/incidents?severity=high");

        Assert.Equal("/incidents?severity=high", location);
        Assert.NotNull(app.Issuer.SignIns.LastVerifier); // PKCE
        var me = await (await client.GetAsync("/api/session")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("0a1b-erin", me["name"]!.GetValue<string>());
        Assert.Equal(["responder", "viewer"], me["roles"]!.AsArray().Select(r => r!.GetValue<string>()));

        // The session acts as that person: the timeline names the stable id, shown with the display name.
        var open = new HttpRequestMessage(HttpMethod.Post, "/api/incidents") { Content = JsonContent.Create(new { title = "via SSO" }) };
        open.Headers.Add("X-Requested-With", "respond");
        var opened = await (await client.SendAsync(open)).JsonAsync(HttpStatusCode.Created);
        var timeline = await (await client.GetAsync($"/api/incidents/{opened["id"]}/timeline")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("0a1b-erin", timeline["items"]![0]!["actor"]!.GetValue<string>());

        // A responder session is not an author's, and signing out ends it.
        var validate = new HttpRequestMessage(HttpMethod.Post, "/api/playbooks/validate") { Content = JsonContent.Create(new { }) };
        validate.Headers.Add("X-Requested-With", "respond");
        await (await client.SendAsync(validate)).ProblemAsync(HttpStatusCode.Forbidden);
        var signOut = new HttpRequestMessage(HttpMethod.Delete, "/api/session");
        signOut.Headers.Add("X-Requested-With", "respond");
        Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(signOut)).StatusCode);
        await (await client.GetAsync("/api/session")).ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Someone_the_provider_grants_no_respond_role_gets_no_session_and_is_told_why()
    {
        app.Issuer.SignIns.NextUser = new("7c7c-guest", "guest@contoso.com", ["reader", "something-else"]);
        var (client, location) = await SignInAsync("/incidents", expectSession: false);
        Assert.Equal("/sign-in?error=oidc-no-role", location);
        await (await client.GetAsync("/api/session")).ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_return_address_on_another_site_is_replaced_by_the_queue()
    {
        app.Issuer.SignIns.NextUser = new("0a1b-erin", "erin@contoso.com", ["viewer"]);
        var (_, location) = await SignInAsync("//evil.example/phish");
        Assert.Equal("/incidents", location);
    }

    [Theory]
    [InlineData("/incidents\r\nSet-Cookie: x=1")]
    [InlineData("/incidents\0")]
    public async Task A_return_address_with_control_characters_is_refused_before_the_provider_is_asked(string returnUrl)
    {
        var start = await app.Anonymous().GetAsync($"/api/session/oidc?returnUrl={Uri.EscapeDataString(returnUrl)}");
        await start.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.False(start.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task A_backslash_return_address_is_replaced_by_the_queue()
    {
        app.Issuer.SignIns.NextUser = new("0a1b-erin", "erin@contoso.com", ["viewer"]);
        var (_, location) = await SignInAsync("/\\evil.example");
        Assert.Equal("/incidents", location);
    }

    [Fact]
    public async Task A_replayed_callback_opens_no_second_session()
    {
        app.Issuer.SignIns.NextUser = new("0a1b-erin", "erin@contoso.com", ["admin"]);
        var client = app.Anonymous();
        var start = await client.GetAsync("/api/session/oidc?returnUrl=/incidents");
        var callback = await AtProviderAsync(start);
        var cookies = Cookies(start);
        var first = await Callback(client, callback, cookies);
        Assert.Contains(Cookies(first), c => c.StartsWith("respond_session=", StringComparison.Ordinal));

        var again = await Callback(app.Anonymous(), callback, cookies);
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.Equal("/sign-in?error=oidc-failed", again.Headers.Location!.OriginalString);
        Assert.DoesNotContain(Cookies(again), c => c.StartsWith("respond_session=", StringComparison.Ordinal) && !c.EndsWith('='));
    }

    private async Task<(HttpClient Client, string Location)> SignInAsync(string returnUrl, bool expectSession = true)
    {
        var client = app.Anonymous();
        var start = await client.GetAsync($"/api/session/oidc?returnUrl={Uri.EscapeDataString(returnUrl)}");
        var back = await Callback(client, await AtProviderAsync(start), Cookies(start));
        Assert.Equal(HttpStatusCode.Redirect, back.StatusCode);
        var session = Cookies(back).SingleOrDefault(c => c.StartsWith("respond_session=", StringComparison.Ordinal));
        Assert.Equal(expectSession, session is not null);
        if (session is not null)
        {
            client.DefaultRequestHeaders.Add("Cookie", session);
        }

        return (client, back.Headers.Location!.OriginalString);
    }

    /// <summary>The browser at the provider: it signs the person in and sends them back with a code.</summary>
    private static async Task<Uri> AtProviderAsync(HttpResponseMessage start)
    {
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var answer = await browser.GetAsync(start.Headers.Location);
        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        return answer.Headers.Location!;
    }

    private static Task<HttpResponseMessage> Callback(HttpClient client, Uri callback, IEnumerable<string> cookies)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, callback.PathAndQuery);
        request.Headers.Add("Cookie", string.Join("; ", cookies));
        return client.SendAsync(request);
    }

    private static List<string> Cookies(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values) ? values.Select(v => v.Split(';')[0]).ToList() : [];
}
