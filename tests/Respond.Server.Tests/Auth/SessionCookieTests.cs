using System.Net;
using System.Net.Http.Json;
using Respond.Server.Tests.Infrastructure;

namespace Respond.Server.Tests.Auth;

public class SessionCookieTests(RespondApp app) : IClassFixture<RespondApp>
{
    private async Task<(HttpClient Client, string Cookie)> SignInAsync(string key)
    {
        var client = app.Anonymous();
        var response = await client.PostAsJsonAsync("/api/session", new { apiKey = key });
        var body = await response.JsonAsync(HttpStatusCode.OK);
        Assert.Equal("responder", body["name"]!.GetValue<string>());
        var setCookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        var cookie = setCookie.Split(';')[0];
        client.DefaultRequestHeaders.Add("Cookie", cookie);
        return (client, setCookie);
    }

    [Fact]
    public async Task Sign_in_sets_an_httponly_samesite_strict_cookie_that_authenticates()
    {
        var (client, setCookie) = await SignInAsync(TestUsers.ResponderKey);
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(TestUsers.ResponderKey, setCookie, StringComparison.Ordinal);
        await (await client.GetAsync("/api/incidents")).JsonAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Unsafe_requests_with_the_cookie_need_the_x_requested_with_header()
    {
        var (client, _) = await SignInAsync(TestUsers.ResponderKey);
        await (await client.PostAsJsonAsync("/api/incidents", new { title = "csrf?" })).ProblemAsync(HttpStatusCode.Forbidden);

        var request = new HttpRequestMessage(HttpMethod.Post, "/api/incidents") { Content = JsonContent.Create(new { title = "from the console" }) };
        request.Headers.Add("X-Requested-With", "respond");
        await (await client.SendAsync(request)).JsonAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Sign_out_ends_the_session()
    {
        var (client, _) = await SignInAsync(TestUsers.ResponderKey);
        var signOut = new HttpRequestMessage(HttpMethod.Delete, "/api/session");
        signOut.Headers.Add("X-Requested-With", "respond");
        var response = await client.SendAsync(signOut);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var cleared = response.Headers.GetValues("Set-Cookie").Single();
        Assert.Contains("expires=Thu, 01 Jan 1970", cleared, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_wrong_key_is_401_and_sets_no_cookie()
    {
        var response = await app.Anonymous().PostAsJsonAsync("/api/session", new { apiKey = "wrong-key-0123456789abcdef" });
        await response.ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }
}

public class BootstrapAdminTests
{
    [Fact]
    public void The_generated_key_is_private_long_and_reused()
    {
        var folder = Directory.CreateTempSubdirectory("respond-test-key-").FullName;
        try
        {
            var path = Path.Combine(folder, "sub", "admin.key");
            var key = Respond.Server.Auth.BootstrapAdmin.EnsureKey(path);
            Assert.True(key.Length >= 32);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            Assert.Equal(key, Respond.Server.Auth.BootstrapAdmin.EnsureKey(path));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
