using System.Collections.Concurrent;
using System.Net;
using Npgsql;
using Respond.Server.Tests.Infrastructure;
using WireMock.Server;
using Xunit.Abstractions;

namespace Respond.Server.Tests.Playbooks.Runs;

/// <summary>Two server processes on one database share the triggered work: every run completes exactly once.</summary>
public sealed class TwoNodeTests(ITestOutputHelper output)
{
    private const int Runs = 200;

    private const string AutoBlock = """
        { "id": "auto-block", "name": "Automatic block", "trigger": { "on": "incident.opened", "when": "alerts.some(a => a.category == 'TwoNodes')" },
          "steps": [
            { "id": "check", "type": "condition", "if": "incident.entities.ips.length > 0", "next": { "true": "block" } },
            { "id": "block", "type": "action", "connector": "firewall", "operation": "block-ip", "input": { "ip": "{{ incident.entities.ips[0] }}" },
              "retry": { "maxAttempts": 3, "delay": "PT1S" }, "next": "note" },
            { "id": "note", "type": "incident", "comment": "Blocked automatically." } ] }
        """;

    [Fact]
    public async Task Two_nodes_run_200_triggered_playbooks_each_exactly_once()
    {
        using var targets = WireMockServer.Start();
        PlaybookApp.ServeDefaults(targets);
        var folder = Directory.CreateTempSubdirectory("respond-twonode-").FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "auto-block.json"), AutoBlock);
        var settings = PlaybookApp.Settings(targets, folder);
        var connectionString = await TestPostgres.CreateDatabaseAsync("twonode");

        await using var a = await ServerProcess.StartAsync(connectionString, settings);
        await using var b = await ServerProcess.StartAsync(connectionString, settings);
        var incidents = new ConcurrentBag<Guid>();
        await Parallel.ForEachAsync(Enumerable.Range(0, Runs), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            using var client = (i % 2 == 0 ? a : b).Client();
            var body = $$"""{"id":"two-{{i}}","title":"Two nodes {{i}}","severity":"high","status":"firing","category":"TwoNodes","entities":""" +
                $$"""[{"ip":"10.{{i / 250}}.{{i % 250}}.1"}]}""";
            var answer = await (await client.SendAsync(Samples.Delivery("generic", body), ct)).JsonAsync(HttpStatusCode.Accepted);
            incidents.Add(answer["alerts"]![0]!["incidentId"]!.GetValue<Guid>());
        });

        using var viewer = a.Client("viewer");
        await Poll.UntilAsync(async () =>
            (await (await viewer.GetAsync("/api/runs?status=completed&pageSize=1")).JsonAsync(HttpStatusCode.OK))["total"]!.GetValue<int>(),
            n => n >= Runs, TimeSpan.FromSeconds(120), $"{Runs} completed runs");

        var all = await (await viewer.GetAsync("/api/runs?pageSize=1")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(Runs, all["total"]!.GetValue<int>());
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        Assert.Equal(0L, await ScalarAsync(connection,
            "select count(*) from (select stream_id from respond.mt_events where type = 'playbook_run_completed' group by stream_id having " +
                "count(*) <> 1) twice"));
        Assert.Equal(0L, await ScalarAsync(connection,
            "select count(*) from (select stream_id, data->>'stepId' from respond.mt_events where type = 'step_started' group by 1, 2 having " +
                "count(*) <> 1) twice"));

        var keys = targets.LogEntries.Where(e => e.RequestMessage.Path == "/blocks")
            .Select(e => e.RequestMessage.Headers!["Idempotency-Key"].Single()).ToList();
        Assert.Equal(Runs, keys.Count);
        Assert.Equal(Runs, keys.Distinct().Count());

        var handledByA = a.Output.Split('\n').Count(l => l.Contains("Started run", StringComparison.Ordinal));
        var handledByB = b.Output.Split('\n').Count(l => l.Contains("Started run", StringComparison.Ordinal));
        output.WriteLine($"runs started by node A: {handledByA}, by node B: {handledByB}");
        Assert.Equal(Runs, handledByA + handledByB);
        Directory.Delete(folder, recursive: true);
    }

    private static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
