using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Respond.Server.Tests.Connectors;
using Respond.Server.Tests.Infrastructure;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Respond.Server.Tests.Playbooks.Runs;

/// <summary>The whole shipped library loaded from <c>playbooks/</c>, with Defender, Graph, Slack, SMTP and a backup API played locally.</summary>
public sealed class StarterLibraryApp : PlaybookApp
{
    public FakeSmtpServer Smtp { get; private set; } = null!;

    protected override IEnumerable<string> ShippedPlaybooks =>
        ["contain-brute-force.json", "compromised-admin.json", "malware-on-host.json", "ransomware.json", "runbooks/backup-restore.json"];

    protected override IDictionary<string, string?> ExtraSettings
    {
        get
        {
            var settings = base.ExtraSettings;
            foreach (var (key, value) in FakeTokenEndpoint.Settings("defender", "defender-endpoint", Targets))
            {
                settings[key] = value;
            }

            settings["Respond:Connectors:mail:Kind"] = "email";
            settings["Respond:Connectors:mail:Host"] = "127.0.0.1";
            settings["Respond:Connectors:mail:Port"] = Smtp.Port.ToString(CultureInfo.InvariantCulture);
            settings["Respond:Connectors:mail:UseTls"] = "none";
            settings["Respond:Connectors:mail:UserName"] = FakeSmtpServer.UserName;
            settings["Respond:Connectors:mail:Password"] = FakeSmtpServer.Password;
            settings["Respond:Connectors:mail:From"] = "Respond <respond@soc.example>";
            settings["Respond:Connectors:backup-api:Kind"] = "http";
            settings["Respond:Connectors:backup-api:BaseUrl"] = Targets.Url + "/backup";
            settings["Respond:Playbooks:Vars:compromised-admin:contact"] = "ciso@soc.example";
            return settings;
        }
    }

    public override async Task InitializeAsync()
    {
        Smtp = await FakeSmtpServer.StartAsync();
        Targets.Given(Request.Create().WithPath(new WildcardMatcher("/api/machines/*")).UsingPost()).AtPriority(50)
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json")
                .WithBody("""{"id":"ma-1","type":"Isolate","status":"Pending","machineId":"m"}"""));
        Targets.Given(Request.Create().WithPath("/backup/restores").UsingPost()).AtPriority(50)
            .RespondWith(Response.Create().WithStatusCode(202).WithHeader("Content-Type", "application/json").WithBody("""{"restoreId":"r-1"}"""));
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Smtp.DisposeAsync();
    }
}

/// <summary>Each shipped playbook, end to end against local fake targets speaking the real APIs' shapes.</summary>
public sealed class StarterLibraryTests(StarterLibraryApp app) : IClassFixture<StarterLibraryApp>
{
    private async Task ApproveAsync(Guid runId)
    {
        var approvalId = await app.PendingApprovalAsync(runId);
        using var approver = app.As("approver");
        (await approver.PostAsJsonAsync($"/api/approvals/{approvalId}/approve", new { comment = "go" })).EnsureSuccessStatusCode();
    }

    private async Task<JsonNode> IncidentAsync(Guid id)
    {
        using var viewer = app.As("viewer");
        return await (await viewer.GetAsync($"/api/incidents/{id}")).JsonAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Compromised_admin_raises_to_critical_disables_the_user_after_approval_and_mails_the_contact()
    {
        var incidentId = await app.AlertAsync("admin-1", "Suspicious admin activity", "PrivilegeEscalation", account: "adm-jo@contoso.com");
        var waiting = await app.RunOfAsync(incidentId, r => PlaybookApp.Status(r) == "waiting", "the run waiting for approval");
        Assert.Equal("critical", (await IncidentAsync(incidentId))["severity"]!.GetValue<string>());
        Assert.Empty(app.RequestsTo("/v1.0/users/adm-jo@contoso.com"));

        await ApproveAsync(waiting["id"]!.GetValue<Guid>());
        var done = await app.RunAsync(waiting["id"]!.GetValue<Guid>(), r => PlaybookApp.Status(r) is "completed" or "failed", "the run to end");

        Assert.Equal("completed", PlaybookApp.Status(done));
        var disable = Assert.Single(app.RequestsTo("/v1.0/users/adm-jo@contoso.com"));
        Assert.Equal("PATCH", disable.RequestMessage.Method);
        Assert.False(JsonNode.Parse(disable.RequestMessage.Body!)!["accountEnabled"]!.GetValue<bool>());
        Assert.Single(app.RequestsTo("/v1.0/users/adm-jo@contoso.com/revokeSignInSessions"));
        Assert.Equal("contained", (await IncidentAsync(incidentId))["status"]!.GetValue<string>());
        var mail = await Poll.UntilAsync(()
            => Task.FromResult(app.Smtp.Messages.FirstOrDefault(m => (m.Subject ?? "").Contains("adm-jo@contoso.com", StringComparison.Ordinal))),
            m => m is not null, TimeSpan.FromSeconds(10), "the mail to the contact");
        Assert.Equal("ciso@soc.example", mail!.To.Mailboxes.Single().Address);
        Assert.Contains("Account disabled: yes", mail.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Malware_isolates_the_machine_at_once_and_releases_it_after_approved_recovery()
    {
        var incidentId = await app.AlertAsync("malware-1", "Trojan detected on ws-17", "Malware", host: "ws-17");
        var waiting = await app.RunOfAsync(incidentId, r => PlaybookApp.Status(r) == "waiting", "the run waiting for release approval");
        var isolate = Assert.Single(app.RequestsTo("/api/machines/ws-17/isolate"));
        Assert.Equal("Full", JsonNode.Parse(isolate.RequestMessage.Body!)!["IsolationType"]!.GetValue<string>());
        Assert.StartsWith("Bearer token-", isolate.RequestMessage.Headers!["Authorization"].Single()!, StringComparison.Ordinal);
        Assert.Equal("contained", (await IncidentAsync(incidentId))["status"]!.GetValue<string>());

        await ApproveAsync(waiting["id"]!.GetValue<Guid>());
        var done = await app.RunAsync(waiting["id"]!.GetValue<Guid>(), r => PlaybookApp.Status(r) is "completed" or "failed", "the run to end");

        Assert.Equal("completed", PlaybookApp.Status(done));
        Assert.Single(app.RequestsTo("/api/machines/ws-17/unisolate"));
        Assert.Equal("recovered", (await IncidentAsync(incidentId))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Ransomware_isolates_and_notifies_then_runs_the_backup_restore_runbook()
    {
        var incidentId = await app.AlertAsync("ransom-1", "Ransomware behaviour on fs-02", "Ransomware", host: "fs-02");
        using var viewer = app.As("viewer");
        var restoreRun = await Poll.UntilAsync(async () =>
            (await (await viewer.GetAsync($"/api/runs?incidentId={incidentId}&playbookId=backup-restore")).JsonAsync(HttpStatusCode.OK))["items"]!
                .AsArray().FirstOrDefault()?["id"]?.GetValue<Guid>(),
            id => id is not null, TimeSpan.FromSeconds(15), "the backup-restore run");
        Assert.Single(app.RequestsTo("/api/machines/fs-02/isolate"));
        Assert.Single(app.RequestsTo("/hook", "RANSOMWARE on fs-02"));
        Assert.Equal("contained", (await IncidentAsync(incidentId))["status"]!.GetValue<string>());
        Assert.Empty(app.RequestsTo("/backup/restores"));

        await ApproveAsync(restoreRun!.Value);
        await app.RunAsync(restoreRun.Value, r => PlaybookApp.Status(r) == "completed", "the restore run to complete");
        var parent = (await (await viewer.GetAsync($"/api/runs?incidentId={incidentId}&playbookId=ransomware"))
            .JsonAsync(HttpStatusCode.OK))["items"]![0]!;
        var done = await app.RunAsync(parent["id"]!.GetValue<Guid>(), r => PlaybookApp.Status(r) is "completed" or "failed",
            "the ransomware run to end");

        Assert.Equal("completed", PlaybookApp.Status(done));
        Assert.Equal("succeeded", PlaybookApp.Step(done, "restored")["status"]!.GetValue<string>());
        var restore = Assert.Single(app.RequestsTo("/backup/restores"));
        Assert.Equal("fs-02", JsonNode.Parse(restore.RequestMessage.Body!)!["hosts"]![0]!.GetValue<string>());
        Assert.Equal($"{restoreRun}:restore", restore.RequestMessage.Headers!["Idempotency-Key"].Single());
        var child = await (await viewer.GetAsync($"/api/runs/{restoreRun}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(parent["id"]!.GetValue<Guid>(), child["parentRunId"]!.GetValue<Guid>());
    }
}
