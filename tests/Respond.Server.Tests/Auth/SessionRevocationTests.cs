using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Respond.Server.Tests.Infrastructure;

namespace Respond.Server.Tests.Auth;

/// <summary>Configuration a test can change while the server runs, as an edited appsettings.json would reload.</summary>
public sealed class ChangeableSettings : ConfigurationProvider, IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder) => this;

    public void Change(string key, string? value)
    {
        Data[key] = value;
        OnReload();
    }
}

public sealed class SessionApp : RespondApp
{
    public const string Proxy = "10.9.8.7";
    public const int KeyFailuresPerMinute = 5;

    public ChangeableSettings Changeable { get; } = new();

    protected override IDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        ["Respond:Http:KnownProxies:0"] = Proxy,
        ["Respond:Auth:KeyFailuresPerMinute"] = KeyFailuresPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Respond:Users:rotating:ApiKey"] = "rotating-key-one-0123456789abcdef",
        ["Respond:Users:rotating:Roles:0"] = "responder",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureAppConfiguration(config => config.Add(Changeable));
    }
}

/// <summary>Issue 9, defect 5: sessions end on the server, key failures are limited, the cookie is Secure behind TLS.</summary>
public class SessionRevocationTests(SessionApp app) : IClassFixture<SessionApp>
{
    private async Task<(HttpClient Client, string Cookie, string SetCookie)> SignInAsync(string key, string? peer = null,
        string? forwardedProto = null)
    {
        var client = app.Anonymous();
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/session") { Content = JsonContent.Create(new { apiKey = key }) };
        if (peer is not null)
        {
            request.Headers.Add(TestPeer.Header, peer);
        }

        if (forwardedProto is not null)
        {
            request.Headers.Add("X-Forwarded-Proto", forwardedProto);
            request.Headers.Add("X-Forwarded-For", "198.51.100.20");
        }

        var response = await client.SendAsync(request);
        await response.JsonAsync(HttpStatusCode.OK);
        var setCookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        var cookie = setCookie.Split(';')[0];
        client.DefaultRequestHeaders.Add("Cookie", cookie);
        return (client, cookie, setCookie);
    }

    private HttpClient WithCookie(string cookie)
    {
        var client = app.Anonymous();
        client.DefaultRequestHeaders.Add("Cookie", cookie);
        return client;
    }

    [Fact]
    public async Task After_sign_out_a_copied_cookie_is_401()
    {
        var (client, cookie, _) = await SignInAsync(TestUsers.ResponderKey);
        using var copy = WithCookie(cookie);
        await (await copy.GetAsync("/api/incidents")).JsonAsync(HttpStatusCode.OK);

        var signOut = new HttpRequestMessage(HttpMethod.Delete, "/api/session");
        signOut.Headers.Add("X-Requested-With", "respond");
        Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(signOut)).StatusCode);

        await (await copy.GetAsync("/api/incidents")).ProblemAsync(HttpStatusCode.Unauthorized);
        await (await copy.GetAsync("/api/session")).ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Rotating_the_api_key_ends_the_sessions_opened_with_it()
    {
        var (client, _, _) = await SignInAsync("rotating-key-one-0123456789abcdef");
        await (await client.GetAsync("/api/incidents")).JsonAsync(HttpStatusCode.OK);

        app.Changeable.Change("Respond:Users:rotating:ApiKey", "rotating-key-two-0123456789abcdef");

        await (await client.GetAsync("/api/incidents")).ProblemAsync(HttpStatusCode.Unauthorized);
        var (again, _, _) = await SignInAsync("rotating-key-two-0123456789abcdef");
        await (await again.GetAsync("/api/incidents")).JsonAsync(HttpStatusCode.OK);
        await (await app.Anonymous().PostAsJsonAsync("/api/session", new { apiKey = "rotating-key-one-0123456789abcdef" }))
            .ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_role_change_applies_to_a_session_at_once()
    {
        app.Changeable.Change("Respond:Users:demoted:ApiKey", "demoted-key-0123456789abcdef");
        app.Changeable.Change("Respond:Users:demoted:Roles:0", "responder");
        var (client, _, _) = await SignInAsync("demoted-key-0123456789abcdef");
        var open = new HttpRequestMessage(HttpMethod.Post, "/api/incidents") { Content = JsonContent.Create(new { title = "before demotion" }) };
        open.Headers.Add("X-Requested-With", "respond");
        await (await client.SendAsync(open)).JsonAsync(HttpStatusCode.Created);

        app.Changeable.Change("Respond:Users:demoted:Roles:0", "viewer");

        var again = new HttpRequestMessage(HttpMethod.Post, "/api/incidents") { Content = JsonContent.Create(new { title = "after demotion" }) };
        again.Headers.Add("X-Requested-With", "respond");
        await (await client.SendAsync(again)).ProblemAsync(HttpStatusCode.Forbidden);
        await (await client.GetAsync("/api/incidents")).JsonAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_cookie_is_secure_when_a_trusted_proxy_says_https_and_not_when_anyone_else_does()
    {
        var (_, _, viaProxy) = await SignInAsync(TestUsers.ViewerKey, peer: SessionApp.Proxy, forwardedProto: "https");
        Assert.Contains("; secure", viaProxy, StringComparison.OrdinalIgnoreCase);

        var (_, _, spoofed) = await SignInAsync(TestUsers.ViewerKey, peer: "198.51.100.66", forwardedProto: "https");
        Assert.DoesNotContain("; secure", spoofed, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Bearer_key_guessing_is_429_while_the_right_key_still_works()
    {
        const string peer = "203.0.113.150";
        HttpRequestMessage Get(string key)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/api/incidents");
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
            request.Headers.Add(TestPeer.Header, peer);
            return request;
        }

        using var client = app.Anonymous();
        for (var i = 0; i < SessionApp.KeyFailuresPerMinute; i++)
        {
            await (await client.SendAsync(Get($"guess-{i}-0123456789abcdef"))).ProblemAsync(HttpStatusCode.Unauthorized);
        }

        var limited = await client.SendAsync(Get("guess-over-0123456789abcdef"));
        await limited.ProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.True(limited.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));

        await (await client.SendAsync(Get(TestUsers.ViewerKey))).JsonAsync(HttpStatusCode.OK);

        // Sign-in guesses from that address share the budget; the right key still signs in.
        var signIn = new HttpRequestMessage(HttpMethod.Post, "/api/session")
        {
            Content = JsonContent.Create(new { apiKey = "another-guess-0123456789abcdef" }),
        };
        signIn.Headers.Add(TestPeer.Header, peer);
        await (await client.SendAsync(signIn)).ProblemAsync(HttpStatusCode.TooManyRequests);
        await SignInAsync(TestUsers.ViewerKey, peer: peer);
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_the_forwarded_client_address_is_the_one_limited()
    {
        HttpRequestMessage Guess(string client)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/api/incidents");
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "guess-0123456789abcdef");
            request.Headers.Add(TestPeer.Header, SessionApp.Proxy);
            request.Headers.Add("X-Forwarded-For", client);
            return request;
        }

        using var http = app.Anonymous();
        for (var i = 0; i < SessionApp.KeyFailuresPerMinute; i++)
        {
            await (await http.SendAsync(Guess("198.51.100.31"))).ProblemAsync(HttpStatusCode.Unauthorized);
        }

        await (await http.SendAsync(Guess("198.51.100.31"))).ProblemAsync(HttpStatusCode.TooManyRequests);
        await (await http.SendAsync(Guess("198.51.100.32"))).ProblemAsync(HttpStatusCode.Unauthorized); // another client, same proxy
    }
}
