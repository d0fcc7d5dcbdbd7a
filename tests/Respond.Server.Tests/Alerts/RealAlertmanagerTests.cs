using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Respond.Server.Tests.Infrastructure;

namespace Respond.Server.Tests.Alerts;

/// <summary>Debian's real Prometheus Alertmanager delivers to Respond, firing and then resolved.</summary>
public class RealAlertmanagerTests
{
    [RequiresProgramFact("prometheus-alertmanager")]
    public async Task A_real_alertmanager_delivers_firing_and_resolved_alerts()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync("alertmanager");
        await using var respond = await ServerProcess.StartAsync(connectionString);

        var folder = Directory.CreateTempSubdirectory("respond-test-alertmanager-").FullName;
        var amPort = ServerProcess.FreePort();
        File.WriteAllText(Path.Combine(folder, "alertmanager.yml"), $"""
            route:
              receiver: respond
              group_by: ['alertname']
              group_wait: 1s
              group_interval: 1s
              repeat_interval: 1h
            receivers:
              - name: respond
                webhook_configs:
                  - url: http://127.0.0.1:{respond.Port}/api/webhooks/alertmanager
                    send_resolved: true
                    http_config:
                      authorization:
                        type: Bearer
                        credentials: {TestUsers.SourceToken}
            """);
        using var alertmanager = Process.Start(new ProcessStartInfo(RequiresProgramFactAttribute.Find("prometheus-alertmanager")!)
        {
            ArgumentList =
            {
                $"--config.file={folder}/alertmanager.yml", $"--storage.path={folder}/data",
                $"--web.listen-address=127.0.0.1:{amPort}", "--cluster.listen-address=",
            },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        TestRunLedger.Process(alertmanager);
        alertmanager.ErrorDataReceived += (_, _) => { };
        alertmanager.BeginErrorReadLine();
        alertmanager.BeginOutputReadLine();
        try
        {
            using var am = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{amPort}") };
            await Poll.UntilAsync(async () =>
            {
                try { return (await am.GetAsync("/-/ready")).StatusCode; }
                catch (HttpRequestException) { return HttpStatusCode.ServiceUnavailable; }
            }, s => s == HttpStatusCode.OK, TimeSpan.FromSeconds(30), "Alertmanager to be ready");

            var name = "RespondE2E" + Guid.NewGuid().ToString("N")[..8];
            var startsAt = DateTimeOffset.UtcNow;
            object Alert(DateTimeOffset? endsAt) => new[]
            {
                new
                {
                    labels = new { alertname = name, severity = "critical", instance = "10.9.8.7:9100" },
                    annotations = new { summary = $"{name} fired" },
                    startsAt,
                    endsAt,
                },
            };

            (await am.PostAsJsonAsync("/api/v2/alerts", Alert(null))).EnsureSuccessStatusCode();
            using var viewer = respond.Client("viewer");
            var items = await Poll.UntilAsync(
                async () => JsonNode.Parse(await viewer.GetStringAsync($"/api/incidents?q={name}"))!["items"]!.AsArray(),
                a => a.Count == 1, TimeSpan.FromSeconds(30), "the delivered alert's incident");
            var incidentId = items[0]!["id"]!.GetValue<Guid>();
            Assert.Equal("critical", items[0]!["severity"]!.GetValue<string>());

            (await am.PostAsJsonAsync("/api/v2/alerts", Alert(DateTimeOffset.UtcNow))).EnsureSuccessStatusCode();
            var incident = await Poll.UntilAsync(
                async () => JsonNode.Parse(await viewer.GetStringAsync($"/api/incidents/{incidentId}"))!,
                i => i["alerts"]!.AsArray().Any(a => a!["status"]!.GetValue<string>() == "resolved"),
                TimeSpan.FromSeconds(30), "the resolution");
            Assert.Equal(["10.9.8.7"], incident["entities"]!["ips"]!.AsArray().Select(x => x!.GetValue<string>()));
        }
        finally
        {
            alertmanager.Kill(entireProcessTree: true);
            await alertmanager.WaitForExitAsync();
            Directory.Delete(folder, recursive: true);
        }
    }
}
