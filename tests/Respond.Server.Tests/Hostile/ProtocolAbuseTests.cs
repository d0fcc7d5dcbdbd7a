using System.Net;
using System.Text;
using Respond.Server.Tests.Infrastructure;

namespace Respond.Server.Tests.Hostile;

/// <summary>Requests the fuzz suite found answering 500: each is the caller's fault, and gets a 4xx problem.</summary>
public sealed class ProtocolAbuseTests(ProtocolAbuseTests.Server fixture) : IClassFixture<ProtocolAbuseTests.Server>
{
    private readonly ServerProcess server = fixture.Process;

    /// <summary>One server process for the class: these need a real socket, not the in-memory host.</summary>
    public sealed class Server : IAsyncLifetime
    {
        public ServerProcess Process { get; private set; } = null!;

        public async Task InitializeAsync() => Process = await ServerProcess.StartAsync(await TestPostgres.CreateDatabaseAsync("protocol"));

        public async Task DisposeAsync() => await Process.DisposeAsync();
    }

    [Fact]
    public async Task A_broken_chunked_body_is_a_400_problem_not_a_500()
    {
        using var client = new FuzzClient(server.BaseAddress);
        var raw = "POST /api/webhooks/generic HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" +
                  $"Authorization: Bearer {TestUsers.SourceToken}\r\nContent-Type: application/json\r\n" +
                  "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n";

        var answer = await client.SendAsync(new FuzzRequest("raw", "RAW", "/api/webhooks/generic")
        {
            Raw = true,
            Body = Encoding.Latin1.GetBytes(raw)
        });

        Assert.Equal(400, answer.Status);
        Assert.Equal("application/problem+json", answer.ContentType);
    }

    [Theory]
    [InlineData("POST", "/api/incidents/00000000-0000-0000-0000-000000000000/recover")]
    [InlineData("POST", "/api/incidents/00000000-0000-0000-0000-000000000000/acknowledge")]
    [InlineData("GET", "/api/incidents/00000000-0000-0000-0000-000000000000")]
    [InlineData("POST", "/api/runs/00000000-0000-0000-0000-000000000000/cancel")]
    [InlineData("POST", "/api/runs/00000000-0000-0000-0000-000000000000/retry")]
    [InlineData("POST", "/api/approvals/00000000-0000-0000-0000-000000000000/approve")]
    public async Task The_empty_guid_names_nothing(string method, string path)
    {
        using var client = server.Client("admin");
        using var request = new HttpRequestMessage(new HttpMethod(method), path)
        {
            Content = new StringContent("{}", Encoding.UTF8, "application/json"),
        };

        await (await client.SendAsync(request)).ProblemAsync(HttpStatusCode.NotFound);
    }
}
