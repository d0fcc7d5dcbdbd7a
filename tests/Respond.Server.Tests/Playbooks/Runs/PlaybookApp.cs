using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Respond.Server.Storage;
using Respond.Server.Tests.Connectors;
using Respond.Server.Tests.Infrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Respond.Server.Tests.Playbooks.Runs;

/// <summary>
/// The real server with playbooks loaded from files, and one local HTTP server playing every target
/// in the real APIs' shapes: the firewall (<c>POST /blocks</c>), a Slack incoming webhook
/// (<c>/hook</c>), Microsoft Graph (<c>/v1.0/users/…</c>) with its token endpoint, and a plain HTTP API.
/// </summary>
public class PlaybookApp : RespondApp
{
    public const string FirewallToken = "firewall-token-0123456789abcdef";

    public WireMockServer Targets { get; } = WireMockServer.Start();

    public string PlaybookFolder { get; } = Directory.CreateTempSubdirectory("respond-playbooks-").FullName;

    /// <summary>Files of the shipped library (<c>playbooks/</c>) to load, by relative path.</summary>
    protected virtual IEnumerable<string> ShippedPlaybooks => ["contain-brute-force.json"];

    /// <summary>Test playbooks, as (file name, JSON).</summary>
    protected virtual IEnumerable<(string File, string Json)> TestPlaybooks => [];

    protected override IDictionary<string, string?> ExtraSettings => Settings(Targets, PlaybookFolder);

    protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        // The targets run on loopback: every connector a test configures opts in to it, after all its settings are known.
        var allowed = LocalTargets.AllowLoopback(ExtraSettings).Where(s => s.Key.Contains(":AllowedNetworks:", StringComparison.Ordinal));
        foreach (var (key, value) in allowed)
        {
            builder.UseSetting(key, value);
        }
    }

    public static Dictionary<string, string?> Settings(WireMockServer targets, string playbookFolder)
    {
        var settings = FakeTokenEndpoint.Settings("entra", "entra-id", targets);
        settings["Respond:Playbooks:Path"] = playbookFolder;
        settings["Respond:Connectors:chat:Kind"] = "slack";
        settings["Respond:Connectors:chat:WebhookUrl"] = targets.Url + "/hook";
        settings["Respond:Connectors:firewall:Kind"] = "firewall";
        settings["Respond:Connectors:firewall:BaseUrl"] = targets.Url;
        settings["Respond:Connectors:firewall:Token"] = FirewallToken;
        settings["Respond:Connectors:internal-api:Kind"] = "http";
        settings["Respond:Connectors:internal-api:BaseUrl"] = targets.Url + "/api";
        return LocalTargets.AllowLoopback(settings);
    }

    public override async Task InitializeAsync()
    {
        var root = RepositoryRoot.Find(AppContext.BaseDirectory)!;
        foreach (var file in ShippedPlaybooks)
        {
            var target = Path.Combine(PlaybookFolder, file);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(Path.Combine(root, "playbooks", file), target);
        }

        foreach (var (file, json) in TestPlaybooks)
        {
            await File.WriteAllTextAsync(Path.Combine(PlaybookFolder, file), json);
        }

        ServeDefaults(Targets);
        await base.InitializeAsync();
    }

    /// <summary>Every target answers as the real API does when all is well (lowest priority, so tests can override).</summary>
    public static void ServeDefaults(WireMockServer targets)
    {
        FakeTokenEndpoint.Serve(targets);
        targets.Given(Request.Create().WithPath("/blocks").UsingPost()).AtPriority(100)
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json")
                .WithBody("""{"id":"blk-1","status":"active"}"""));
        targets.Given(Request.Create().WithPath("/hook").UsingPost()).AtPriority(100)
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("ok"));
        targets.Given(Request.Create().WithPath(new WireMock.Matchers.WildcardMatcher("/v1.0/users/*")).UsingAnyMethod()).AtPriority(100)
            .RespondWith(Response.Create().WithStatusCode(204));
        targets.Given(Request.Create().WithPath(new WireMock.Matchers.WildcardMatcher("/api/*")).UsingAnyMethod()).AtPriority(100)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("""{"ok":true}"""));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Targets.Stop();
        Targets.Dispose();
        try
        {
            Directory.Delete(PlaybookFolder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Posts one generic alert and answers the incident it opened or joined.</summary>
    public async Task<Guid> AlertAsync(string id, string title, string category, string? ip = null, string? account = null, string? host = null)
    {
        var entity = new JsonObject();
        if (ip is not null)
        {
            entity["ip"] = ip;
        }

        if (account is not null)
        {
            entity["account"] = account;
        }

        if (host is not null)
        {
            entity["host"] = host;
        }

        var body = new JsonObject
        {
            ["id"] = id,
            ["title"] = title,
            ["severity"] = "high",
            ["status"] = "firing",
            ["category"] = category,
            ["entities"] = new JsonArray(entity),
        };
        using var client = Anonymous();
        var answer = await (await client.SendAsync(Samples.Delivery("generic", body.ToJsonString()))).JsonAsync(HttpStatusCode.Accepted);
        return answer["alerts"]![0]!["incidentId"]!.GetValue<Guid>();
    }

    /// <summary>How many runs of <paramref name="playbookId"/> the incident has.</summary>
    public async Task<int> RunCountAsync(Guid incidentId, string playbookId)
    {
        using var viewer = As("viewer");
        var page = await (await viewer.GetAsync($"/api/runs?incidentId={incidentId}&playbookId={playbookId}")).JsonAsync(HttpStatusCode.OK);
        return page["total"]!.GetValue<int>();
    }

    public async Task<JsonNode> RunOfAsync(Guid incidentId, Func<JsonNode, bool> until, string what)
    {
        using var viewer = As("viewer");
        var runId = await Poll.UntilAsync(async () =>
            (await (await viewer.GetAsync($"/api/runs?incidentId={incidentId}")).JsonAsync(HttpStatusCode.OK))["items"]!.AsArray()
                .FirstOrDefault()?["id"]?.GetValue<Guid>(),
            id => id is not null, TimeSpan.FromSeconds(15), $"a run for incident {incidentId}");
        return await RunAsync(runId!.Value, until, what);
    }

    public async Task<JsonNode> RunAsync(Guid runId, Func<JsonNode, bool> until, string what)
    {
        using var viewer = As("viewer");
        return await Poll.UntilAsync(async () => await (await viewer.GetAsync($"/api/runs/{runId}")).JsonAsync(HttpStatusCode.OK),
            until, TimeSpan.FromSeconds(30), what);
    }

    public async Task<Guid> StartByHandAsync(string user, Guid incidentId, string playbookId)
    {
        using var client = As(user);
        var run = await (await client.PostAsJsonAsync($"/api/incidents/{incidentId}/runs", new { playbookId })).JsonAsync(HttpStatusCode.Created);
        return run["id"]!.GetValue<Guid>();
    }

    public async Task<Guid> PendingApprovalAsync(Guid runId)
    {
        using var viewer = As("viewer");
        return await Poll.UntilAsync(async () =>
            (await (await viewer.GetAsync("/api/approvals?status=pending")).JsonAsync(HttpStatusCode.OK))["items"]!.AsArray()
                .FirstOrDefault(a => a!["runId"]!.GetValue<Guid>() == runId)?["id"]?.GetValue<Guid>() ?? Guid.Empty,
            id => id != Guid.Empty, TimeSpan.FromSeconds(15), $"a pending approval of run {runId}");
    }

    public IReadOnlyList<WireMock.Logging.ILogEntry> RequestsTo(string path, string? bodyContains = null) =>
        [.. Targets.LogEntries.Where(e => e.RequestMessage.Path == path
            && (bodyContains is null || (e.RequestMessage.Body ?? "").Contains(bodyContains, StringComparison.Ordinal)))];

    public static string Status(JsonNode run) => run["status"]!.GetValue<string>();

    public static JsonNode Step(JsonNode run, string id) => run["steps"]!.AsArray().Single(s => s!["id"]!.GetValue<string>() == id)!;
}
