using System.Net;
using System.Net.Http.Json;
using Respond.Server.Tests.Infrastructure;

namespace Respond.Server.Tests.Auth;

/// <summary>Two server processes on one database: signing out on one ends the session on the other at once.</summary>
public sealed class TwoNodeSessionTests
{
    [Fact]
    public async Task Sign_out_on_one_node_ends_the_session_on_the_other()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync("twonode-session");
        await using var a = await ServerProcess.StartAsync(connectionString);
        await using var b = await ServerProcess.StartAsync(connectionString);

        using var signIn = a.Client();
        var response = await signIn.PostAsJsonAsync("/api/session", new { apiKey = TestUsers.ViewerKey });
        await response.JsonAsync(HttpStatusCode.OK);
        var cookie = response.Headers.GetValues("Set-Cookie").Single().Split(';')[0];

        using var onB = b.Client();
        onB.DefaultRequestHeaders.Add("Cookie", cookie);
        await (await onB.GetAsync("/api/session")).JsonAsync(HttpStatusCode.OK);

        using var signOut = new HttpRequestMessage(HttpMethod.Delete, "/api/session");
        signOut.Headers.Add("Cookie", cookie);
        signOut.Headers.Add("X-Requested-With", "respond");
        using var onA = a.Client();
        Assert.Equal(HttpStatusCode.NoContent, (await onA.SendAsync(signOut)).StatusCode);

        await (await onB.GetAsync("/api/session")).ProblemAsync(HttpStatusCode.Unauthorized);
    }
}
