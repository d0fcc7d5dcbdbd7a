using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Respond.Server.Tests.Infrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using Xunit.Abstractions;

namespace Respond.Server.Tests.Playbooks.Runs;

/// <summary>
/// <c>kill -9</c> while a step's request is in flight: after a restart the run completes, and the
/// target saw the same idempotency key on every request it got.
/// </summary>
public sealed class RunCrashTests(ITestOutputHelper output)
{
    private const string SlowBlock = """
        { "id": "slow-block", "name": "Block (slow firewall)", "trigger": { "on": "incident.opened",
          "when": "alerts.some(a => a.category == 'CrashTest')" },
          "steps": [
            { "id": "check", "type": "condition", "if": "incident.entities.ips.length > 0", "next": { "true": "block" } },
            { "id": "block", "type": "action", "connector": "firewall", "operation": "block-ip", "input": { "ip": "{{ incident.entities.ips[0] }}" },
              "timeout": "PT20S", "retry": { "maxAttempts": 5, "delay": "PT1S" }, "next": "contained" },
            { "id": "contained", "type": "incident", "status": "contained" } ] }
        """;

    [Fact]
    public async Task A_run_killed_mid_request_completes_after_restart_with_one_idempotency_key()
    {
        using var release = new ManualResetEventSlim(); // disposed after the target has stopped
        using var targets = WireMockServer.Start();
        PlaybookApp.ServeDefaults(targets);
        // The first block hangs until the test lets it go, so the server is surely killed while it is in
        // flight; any later one is answered at once. Arrivals are counted as they come (WireMock's log
        // only shows a request once it has been answered).
        var keys = new System.Collections.Concurrent.ConcurrentQueue<string>();
        targets.Given(Request.Create().WithPath("/blocks").UsingPost()).AtPriority(1)
            .RespondWith(Response.Create().WithCallback(request =>
            {
                keys.Enqueue(request.Headers!["Idempotency-Key"].Single());
                if (keys.Count == 1)
                {
                    release.Wait(TimeSpan.FromSeconds(60));
                }

                return new WireMock.ResponseMessage
                {
                    StatusCode = 201,
                    BodyData = new WireMock.Util.BodyData { BodyAsString = """{"id":"blk"}""", DetectedBodyType = WireMock.Types.BodyType.String },
                };
            }));
        var folder = Directory.CreateTempSubdirectory("respond-crash-").FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "slow-block.json"), SlowBlock);
        var settings = PlaybookApp.Settings(targets, folder);
        var connectionString = await TestPostgres.CreateDatabaseAsync("runcrash");

        Guid incidentId;
        await using (var first = await ServerProcess.StartAsync(connectionString, settings))
        {
            using var client = first.Client();
            var body = """{"id":"crash-1","title":"Crash test","severity":"high","status":"firing","category":"CrashTest","entities":""" +
                """[{"ip":"203.0.113.77"}]}""";
            var answer = await (await client.SendAsync(Samples.Delivery("generic", body))).JsonAsync(HttpStatusCode.Accepted);
            incidentId = answer["alerts"]![0]!["incidentId"]!.GetValue<Guid>();
            try
            {
                await Poll.UntilAsync(() => Task.FromResult(keys.Count), n => n >= 1, TimeSpan.FromSeconds(45), "the block request to be in flight");
            }
            catch (TimeoutException)
            {
                output.WriteLine(first.Output);
                throw;
            }
            first.Kill();
        }

        var restarted = Stopwatch.StartNew();
        await using var second = await ServerProcess.StartAsync(connectionString, settings);
        var ready = restarted.Elapsed;
        using var viewer = second.Client("viewer");
        var run = await Poll.UntilAsync(async () =>
            (await (await viewer.GetAsync($"/api/runs?incidentId={incidentId}")).JsonAsync(HttpStatusCode.OK))["items"]!.AsArray().FirstOrDefault(),
            r => r?["status"]?.GetValue<string>() == "completed", TimeSpan.FromSeconds(60), "the run to complete after the restart");
        output.WriteLine($"Restarted server live after {ready.TotalSeconds:0.0} s; run completed {restarted.Elapsed.TotalSeconds:0.0} s after " +
            "restart");

        release.Set();
        var runId = run!["id"]!.GetValue<Guid>();
        Assert.True(keys.Count >= 2, $"the block was sent {keys.Count} time(s); the crash should have forced a repeat");
        Assert.All(keys, key => Assert.Equal($"{runId}:block", key));
        var incident = await (await viewer.GetAsync($"/api/incidents/{incidentId}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("contained", incident["status"]!.GetValue<string>());
        Directory.Delete(folder, recursive: true);
    }
}
