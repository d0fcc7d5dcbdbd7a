using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Npgsql;
using Respond.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Respond.Server.Tests.Hostile;

/// <summary>
/// Thousands of generated hostile requests against every webhook kind and API route of a real server process,
/// while a clean sender keeps posting alerts. Nothing may answer 5xx or drop the connection, a refusal stores
/// nothing (what is stored is exactly what the 2xx answers name), the clean alerts all land, and the server is
/// healthy afterwards. A failure prints its seed: replay it with <c>RESPOND_FUZZ_SEED=&lt;seed&gt;</c>.
/// </summary>
public sealed class HostileInputFuzzTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int RequestsPerRun = 6_000;
    private const int Senders = 8;
    private static readonly TimeSpan Budget = TimeSpan.FromMinutes(4);

    private ServerProcess server = null!;
    private string connectionString = "";

    public async Task InitializeAsync()
    {
        connectionString = await TestPostgres.CreateDatabaseAsync("fuzz");
        server = await ServerProcess.StartAsync(connectionString);
    }

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public Task A_fixed_seed_finds_no_5xx_no_drop_and_no_stray_write() => RunAsync(20_261_206);

    [Fact]
    public Task A_new_seed_each_run_finds_no_5xx_no_drop_and_no_stray_write() =>
        RunAsync(int.TryParse(Environment.GetEnvironmentVariable("RESPOND_FUZZ_SEED"), out var seed) ? seed : Random.Shared.Next());

    private async Task RunAsync(int seed)
    {
        output.WriteLine($"seed {seed} (replay: RESPOND_FUZZ_SEED={seed})");
        var ledger = new Ledger();
        using var viewer = server.Client("viewer");
        using var sender = server.Client();
        var incidents = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            incidents.Add(await ledger.PostCleanAsync(sender, $"seed-{seed}-{i}")
                ?? throw new InvalidOperationException("A clean alert was refused."));
        }

        var random = new Random(seed);
        var webhooks = new WebhookFuzz(random);
        var api = new ApiFuzz(random, incidents);
        FuzzRequest Next()
        {
            lock (random)
            {
                var pick = random.Next(100);
                return pick < 55 ? webhooks.Next() : pick < 92 ? api.Next() : Headers.Raw(random, random.Next(2) == 0 ? TestUsers.AdminKey : null);
            }
        }

        using var fuzz = new FuzzClient(server.BaseAddress);
        var statuses = new ConcurrentDictionary<int, int>();
        var failures = new ConcurrentQueue<string>();
        var issued = 0;
        using var stopClean = new CancellationTokenSource();
        var clean = Task.Run(async () =>
        {
            for (var n = 0; !stopClean.IsCancellationRequested; n++)
            {
                if (await ledger.PostCleanAsync(sender, $"clean-{seed}-{n}") is null)
                {
                    failures.Enqueue($"clean alert clean-{seed}-{n} was not opened");
                }
            }
        });

        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Senders).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref issued) <= RequestsPerRun && clock.Elapsed < Budget)
            {
                var request = Next();
                var answer = await fuzz.SendAsync(request);
                statuses.AddOrUpdate(answer.Status, 1, (_, n) => n + 1);
                if (Judge(request, answer) is { } failure)
                {
                    failures.Enqueue($"{failure}\n    request: {request.Describe()}\n    answer: {Shorten(answer.Body)}");
                }

                if (answer.Status is >= 200 and < 300)
                {
                    ledger.Record(request, answer.Body);
                }
            }
        })));
        var elapsed = clock.Elapsed;
        await stopClean.CancelAsync();
        await clean;

        var sent = Math.Min(issued, RequestsPerRun);
        output.WriteLine($"{sent} requests in {elapsed.TotalSeconds:F1} s ({sent / elapsed.TotalSeconds:F0}/s), {Senders} senders; " +
                         $"{ledger.CleanAlerts} clean alerts beside them");
        output.WriteLine("statuses: " + string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}")));
        output.WriteLine($"5xx: {statuses.Where(s => s.Key >= 500).Sum(s => s.Value)}, dropped: {statuses.GetValueOrDefault(0)}");

        if (!failures.IsEmpty)
        {
            var report = Path.Combine(Path.GetTempPath(), $"respond-fuzz-{seed}.log");
            await File.WriteAllLinesAsync(report, failures);
            await File.WriteAllTextAsync(Path.ChangeExtension(report, ".server.log"), server.Output);
            output.WriteLine($"every failure, with its request: {report}; the server's log beside it");
        }

        foreach (var group in failures.GroupBy(f => f.Split('\n')[0]
            + " " + f.Split("request: [")[^1].Split(']')[0]).OrderByDescending(g => g.Count()))
        {
            output.WriteLine($"  {group.Count()} × {group.Key}");
        }

        Assert.True(sent == RequestsPerRun, $"Only {sent} of {RequestsPerRun} requests fit in {Budget}.");
        Assert.True(failures.IsEmpty, $"seed {seed}: {failures.Count} failures; the first ones:\n" + string.Join("\n", failures.Take(8)));
        await AssertStoredExactlyWhatWasAnsweredAsync(ledger);
        await AssertHealthyAsync(ledger, viewer, sender, seed);
    }

    /// <summary>What makes an answer wrong, or null when it is fine.</summary>
    private static string? Judge(FuzzRequest request, FuzzAnswer answer)
    {
        if (answer.Status == 0 && !RefusedBeforeItsBody(request, answer))
        {
            return $"dropped connection: {answer.Failure}";
        }

        if (answer.Status == 0)
        {
            return null;
        }

        if (answer.Status >= 500)
        {
            return $"{answer.Status} answer";
        }

        // Kestrel itself refuses what never reaches the app (bad request lines, a request line over 8 KiB, oversized
        // headers): no problem body there.
        var kestrelRefusal = request.Raw || answer.Status is (int)HttpStatusCode.RequestHeaderFieldsTooLarge
            or (int)HttpStatusCode.RequestUriTooLong;
        if (answer.Status >= 400 && !kestrelRefusal && answer.ContentType != "application/problem+json")
        {
            return $"{answer.Status} without a problem document (content type {answer.ContentType ?? "none"})";
        }

        return null;
    }

    /// <summary>
    /// Headers over Kestrel's 32 KiB make it answer 431 and close at once; a sender still writing a large body then fails to
    /// write, and never reads the 431. That is Kestrel's own refusal, like the 431 a smaller body gets back, not a drop.
    /// </summary>
    private static bool RefusedBeforeItsBody(FuzzRequest request, FuzzAnswer answer) =>
        request.Headers.Sum(h => h.Name.Length + h.Value.Length + 4) > 32 * 1024
        && request.Body is { Length: > 64 * 1024 }
        && answer.Failure?.Contains("Error while copying content to a stream", StringComparison.Ordinal) == true;

    private async Task AssertStoredExactlyWhatWasAnsweredAsync(Ledger ledger)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        async Task<HashSet<Guid>> IdsAsync(string table)
        {
            await using var command = new NpgsqlCommand($"select id from respond.{table}", connection);
            await using var reader = await command.ExecuteReaderAsync();
            var ids = new HashSet<Guid>();
            while (await reader.ReadAsync())
            {
                ids.Add(reader.GetGuid(0));
            }

            return ids;
        }

        var alerts = await IdsAsync("mt_doc_alertrecord");
        Assert.True(alerts.SetEquals(ledger.Alerts),
            $"Stored alerts differ from the accepted ones: {alerts.Except(ledger.Alerts).Count()} stored but never answered, " +
            $"{ledger.Alerts.Except(alerts).Count()} answered but not stored.");
        var incidents = await IdsAsync("mt_doc_incident");
        Assert.True(incidents.SetEquals(ledger.Incidents),
            $"Stored incidents differ from the answered ones: {incidents.Except(ledger.Incidents).Count()} stored but never answered, " +
            $"{ledger.Incidents.Except(incidents).Count()} answered but not stored.");
        output.WriteLine($"stored: {alerts.Count} alerts, {incidents.Count} incidents, each named by a 2xx answer");
    }

    private async Task AssertHealthyAsync(Ledger ledger, HttpClient viewer, HttpClient sender, int seed)
    {
        Assert.False(server.HasExited, "The server process died.");
        Assert.Equal(HttpStatusCode.OK, (await sender.GetAsync("/health/ready")).StatusCode);
        var incident = await ledger.PostCleanAsync(sender, $"after-{seed}");
        Assert.NotNull(incident);
        await (await viewer.GetAsync($"/api/incidents/{incident}")).JsonAsync(HttpStatusCode.OK);
        Assert.DoesNotContain("unhandled exception", server.Output, StringComparison.OrdinalIgnoreCase);
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";

    /// <summary>Every alert and incident a 2xx answer named: exactly what may be stored.</summary>
    private sealed class Ledger
    {
        private int cleanAlerts;

        public ConcurrentDictionary<Guid, byte> AlertIds { get; } = new();
        public ConcurrentDictionary<Guid, byte> IncidentIds { get; } = new();
        public IEnumerable<Guid> Alerts => AlertIds.Keys;
        public IEnumerable<Guid> Incidents => IncidentIds.Keys;
        public int CleanAlerts => cleanAlerts;

        public void Record(FuzzRequest request, string body)
        {
            var opensByHand = request is { Method: "POST", PathAndQuery: "/api/incidents" };
            // An admin's test alert (POST /api/sources/{name}/test) is ingested like a delivery and answers like one.
            var path = request.PathAndQuery.Split('?')[0];
            var delivers = request.IsDelivery || (request.Method == "POST" && path.StartsWith("/api/sources/", StringComparison.Ordinal)
                && path.EndsWith("/test", StringComparison.Ordinal));
            if (!delivers && !opensByHand)
            {
                return;
            }

            var node = JsonNode.Parse(body);
            if (delivers && node?["alerts"] is JsonArray items)
            {
                foreach (var item in items)
                {
                    AlertIds.TryAdd(item!["alertId"]!.GetValue<Guid>(), 0);
                    if (item["incidentId"] is { } incident)
                    {
                        IncidentIds.TryAdd(incident.GetValue<Guid>(), 0);
                    }
                }
            }
            else if (opensByHand && node?["id"] is { } id)
            {
                IncidentIds.TryAdd(id.GetValue<Guid>(), 0);
            }
        }

        /// <summary>Posts one clean, new alert; the incident it opened, or null if it was not opened.</summary>
        public async Task<Guid?> PostCleanAsync(HttpClient client, string id)
        {
            using var response = await client.SendAsync(Samples.Delivery("generic", Samples.Generic(id, title: $"Clean {id}")));
            Interlocked.Increment(ref cleanAlerts);
            if (response.StatusCode != HttpStatusCode.Accepted)
            {
                return null;
            }

            var item = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["alerts"]![0]!;
            AlertIds.TryAdd(item["alertId"]!.GetValue<Guid>(), 0);
            var incident = item["incidentId"]!.GetValue<Guid>();
            IncidentIds.TryAdd(incident, 0);
            return item["disposition"]!.GetValue<string>() == "opened" ? incident : null;
        }
    }
}
