using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Respond.Server.Tests.Infrastructure;
using Respond.Server.Tests.Playbooks.Runs;

namespace Respond.Server.Tests.Auth;

/// <summary>The OIDC server with one playbook that asks for an approval before it comments.</summary>
public sealed class OidcRunApp : OidcApp
{
    private readonly string folder = Directory.CreateTempSubdirectory("respond-oidc-playbooks-").FullName;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Respond:Playbooks:Path"] = folder };

    public override async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(Path.Combine(folder, "ask.json"), """
            { "id": "ask", "name": "Ask then note", "trigger": { "on": "manual" }, "steps": [
              { "id": "approve", "type": "approval", "approvers": { "roles": ["approver"] }, "timeout": "PT1H", "next": { "approved": "note" } },
              { "id": "note", "type": "incident", "comment": "Approved." } ] }
            """);
        await base.InitializeAsync();
    }
}

/// <summary>Issue 9, defect 10: app-only tokens act as their own stable subject, not as a shared "unknown".</summary>
public class OidcActorTests(OidcRunApp app) : IClassFixture<OidcRunApp>
{
    private const string AppA = "11111111-1111-1111-1111-111111111111";
    private const string AppB = "22222222-2222-2222-2222-222222222222";

    private HttpClient With(string token)
    {
        var client = app.Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    [Fact]
    public async Task An_app_only_token_acts_as_its_oid_and_the_timeline_shows_its_name_beside_it()
    {
        using var bot = With(app.Issuer.AppToken(AppA, "soar-bot", ["responder"]));
        var incident = await bot.OpenIncidentAsync("opened by an app");
        var timeline = await (await bot.GetAsync($"/api/incidents/{incident}/timeline")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(AppA, timeline["items"]![0]!["actor"]!.GetValue<string>());
        Assert.Equal("soar-bot", timeline["items"]![0]!["actorName"]!.GetValue<string>());
    }

    [Fact]
    public async Task Two_apps_are_two_actors_for_four_eyes_and_one_app_cannot_approve_its_own_run()
    {
        using var starter = With(app.Issuer.AppToken(AppA, "starter-app", ["responder", "approver"]));
        using var other = With(app.Issuer.AppToken(AppB, "other-app", ["responder", "approver"]));
        var incident = await starter.OpenIncidentAsync("four eyes between apps");
        var run = await (await starter.PostAsJsonAsync($"/api/incidents/{incident}/runs",
            new { playbookId = "ask" })).JsonAsync(HttpStatusCode.Created);
        var runId = run["id"]!.GetValue<Guid>();
        Assert.Equal(AppA, run["startedBy"]!.GetValue<string>());

        var approvalId = await Poll.UntilAsync(async () =>
                (await (await other.GetAsync("/api/approvals?status=pending")).JsonAsync(HttpStatusCode.OK))["items"]!.AsArray()
                .FirstOrDefault(a => a!["runId"]!.GetValue<Guid>() == runId)?["id"]?.GetValue<Guid>() ?? Guid.Empty,
            id => id != Guid.Empty, TimeSpan.FromSeconds(15), "the run's pending approval");

        var refusal = await (await starter.PostAsJsonAsync($"/api/approvals/{approvalId}/approve", new { })).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("Four eyes", refusal["detail"]!.GetValue<string>());

        await (await other.PostAsJsonAsync($"/api/approvals/{approvalId}/approve", new { })).JsonAsync(HttpStatusCode.OK);
        var done = await Poll.UntilAsync(async () => await (await other.GetAsync($"/api/runs/{runId}")).JsonAsync(HttpStatusCode.OK),
            r => PlaybookApp.Status(r) == "completed", TimeSpan.FromSeconds(30), "the approved run to complete");
        Assert.Equal("completed", PlaybookApp.Status(done));
    }

    [Fact]
    public async Task A_token_naming_no_subject_is_401() =>
        await (await With(app.Issuer.Token("", ["admin"])).GetAsync("/api/incidents")).ProblemAsync(HttpStatusCode.Unauthorized);
}
