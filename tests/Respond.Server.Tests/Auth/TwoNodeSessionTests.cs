using System.Net;
using System.Net.Http.Json;
using Respond.Server.Tests.Infrastructure;

namespace Respond.Server.Tests.Auth;

/// <summary>
/// Two server processes on one database, each with its own home folder as on two machines: a cookie one issued
/// works on the other, and signing out on one ends the session on the other at once.
/// </summary>
public sealed class TwoNodeSessionTests
{
    [Fact]
    public async Task Sign_out_on_one_node_ends_the_session_on_the_other()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync("twonode-session");
        using var homeA = new TempHome();
        using var homeB = new TempHome();
        await using var a = await ServerProcess.StartAsync(connectionString, homeA.Settings);
        await using var b = await ServerProcess.StartAsync(connectionString, homeB.Settings);

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

/// <summary>A home folder of its own, where ASP.NET would otherwise keep a machine's cookie keys.</summary>
internal sealed class TempHome : IDisposable
{
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("respond-home-");

    public Dictionary<string, string?> Settings => new() { ["HOME"] = folder.FullName };

    public void Dispose() => folder.Delete(recursive: true);
}
