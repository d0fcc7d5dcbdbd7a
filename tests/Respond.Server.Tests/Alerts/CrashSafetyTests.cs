using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Npgsql;
using Respond.Server.Tests.Infrastructure;

namespace Respond.Server.Tests.Alerts;

/// <summary>A <c>202</c> is a promise: killing the server with SIGKILL mid-burst must not break it.</summary>
public class CrashSafetyTests
{
    [Fact]
    public async Task Kill_9_during_a_burst_loses_no_alert_that_was_answered_202()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync("crash");
        var accepted = new ConcurrentBag<(Guid AlertId, Guid IncidentId)>();
        await using (var first = await ServerProcess.StartAsync(connectionString))
        {
            using var stop = new CancellationTokenSource();
            var senders = Enumerable.Range(0, 16).Select(sender => Task.Run(async () =>
            {
                using var client = first.Client();
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    try
                    {
                        var response = await client.SendAsync(Samples.Delivery("generic", Samples.Generic($"crash-{sender}-{i}")));
                        if (response.StatusCode == HttpStatusCode.Accepted)
                        {
                            var alert = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["alerts"]![0]!;
                            accepted.Add((alert["alertId"]!.GetValue<Guid>(), alert["incidentId"]!.GetValue<Guid>()));
                        }
                    }
                    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
                    {
                        // The server died under this request: it was never answered 202, so it was never promised.
                        return;
                    }
                }
            })).ToList();

            await Poll.UntilAsync(() => Task.FromResult(accepted.Count), n => n >= 300, TimeSpan.FromSeconds(60), "300 accepted alerts");
            first.Kill();
            await stop.CancelAsync();
            await Task.WhenAll(senders);
        }

        var ids = accepted.Select(a => a.AlertId).ToArray();
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("select count(*) from respond.mt_doc_alertrecord where id = any(@ids)", connection);
            command.Parameters.AddWithValue("ids", ids);
            Assert.Equal(ids.Length, (long)(await command.ExecuteScalarAsync())!);
        }

        // And a restarted server serves every one of their incidents.
        await using var second = await ServerProcess.StartAsync(connectionString);
        using var viewer = second.Client("viewer");
        foreach (var (_, incidentId) in accepted.Take(50))
        {
            Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync($"/api/incidents/{incidentId}")).StatusCode);
        }

        var list = JsonNode.Parse(await viewer.GetStringAsync("/api/incidents?pageSize=1"))!;
        Assert.True(list["total"]!.GetValue<long>() >= ids.Length);
    }
}
