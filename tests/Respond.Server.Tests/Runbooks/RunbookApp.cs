using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Hangfire;
using Hangfire.Storage;
using Respond.Server.Runbooks;
using Respond.Server.Tests.Infrastructure;
using Respond.Server.Tests.Playbooks.Runs;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Respond.Server.Tests.Runbooks;

/// <summary>
/// The real server with the shipped runbooks, a <c>failover</c> http connector whose site (primary, failover, secondary, failback)
/// is played by the local HTTP server, and schedules brought in step every half second.
/// </summary>
public class RunbookApp : PlaybookApp
{
    protected override IEnumerable<string> ShippedPlaybooks => ["runbooks/failover-drill.json", "runbooks/backup-verification.json"];

    /// <summary>Per-class settings on top of the site's (vars overrides, connectors).</summary>
    protected virtual IDictionary<string, string?> RunbookSettings => new Dictionary<string, string?>();

    protected override IDictionary<string, string?> ExtraSettings
    {
        get
        {
            var settings = base.ExtraSettings;
            settings["Respond:Runbooks:SyncInterval"] = "PT0.5S";
            settings["Respond:Connectors:failover:Kind"] = "http";
            settings["Respond:Connectors:failover:BaseUrl"] = Targets.Url + "/site";
            settings["Respond:Connectors:failover:AllowedNetworks:0"] = "127.0.0.0/8";
            foreach (var (key, value) in RunbookSettings)
            {
                settings[key] = value;
            }

            return settings;
        }
    }

    public override async Task InitializeAsync()
    {
        ServeHealthySite(Targets);
        await base.InitializeAsync();
    }

    /// <summary>A site whose primary and secondary answer healthy and whose failover and failback are accepted.</summary>
    public static void ServeHealthySite(WireMockServer targets)
    {
        targets.Given(Request.Create().WithPath("/site/primary/health").UsingGet()).AtPriority(50)
            .RespondWith(Response.Create().WithStatusCode(200).WithBodyAsJson(new { status = "healthy" }));
        targets.Given(Request.Create().WithPath("/site/secondary/health").UsingGet()).AtPriority(50)
            .RespondWith(Response.Create().WithStatusCode(200).WithBodyAsJson(new { status = "healthy" }));
        targets.Given(Request.Create().WithPath("/site/failover").UsingPost()).AtPriority(50)
            .RespondWith(Response.Create().WithStatusCode(202).WithBodyAsJson(new { operation = "failover", state = "accepted" }));
        targets.Given(Request.Create().WithPath("/site/failback").UsingPost()).AtPriority(50)
            .RespondWith(Response.Create().WithStatusCode(202).WithBodyAsJson(new { operation = "failback", state = "accepted" }));
    }

    public async Task<Guid> TriggerAsync(string runbookId, string user = "responder")
    {
        using var client = As(user);
        var answer = await (await client.PostAsync($"/api/runbooks/{runbookId}/trigger", null)).JsonAsync(HttpStatusCode.Accepted);
        return answer["runId"]!.GetValue<Guid>();
    }

    public async Task<JsonNode> RunbookAsync(string runbookId)
    {
        using var viewer = As("viewer");
        var list = await (await viewer.GetAsync("/api/runbooks")).JsonAsync(HttpStatusCode.OK);
        return list["items"]!.AsArray().Single(r => r!["id"]!.GetValue<string>() == runbookId)!;
    }

    public async Task<JsonArray> RunbookRunsAsync(string runbookId)
    {
        using var viewer = As("viewer");
        return (await (await viewer.GetAsync($"/api/runbooks/{runbookId}/runs")).JsonAsync(HttpStatusCode.OK))["items"]!.AsArray();
    }

    /// <summary>Hangfire's recurring jobs that belong to runbooks, by id.</summary>
    public Dictionary<string, RecurringJobDto> RunbookJobs()
    {
        using var connection = Service<JobStorage>().GetConnection();
        return connection.GetRecurringJobs().Where(j => j.Id.StartsWith(RunbookSchedules.JobPrefix, StringComparison.Ordinal))
            .ToDictionary(j => j.Id);
    }

    public async Task<JsonNode> PublishAsync(string id, string json)
    {
        using var author = As("author");
        (await author.PutAsync($"/api/playbooks/{id}", JsonContent.Create(JsonNode.Parse(json)))).EnsureSuccessStatusCode();
        var published = await author.PostAsync($"/api/playbooks/{id}/publish", null);
        return await published.JsonAsync(published.StatusCode == HttpStatusCode.Created ? HttpStatusCode.Created : HttpStatusCode.OK);
    }
}
