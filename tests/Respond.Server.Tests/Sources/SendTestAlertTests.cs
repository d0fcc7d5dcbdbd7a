using System.Net;
using Respond.Server.Tests.Infrastructure;

namespace Respond.Server.Tests.Sources;

/// <summary><c>POST /api/sources/{name}/test</c>: an admin's test alert goes through ingestion and opens an incident.</summary>
public class SendTestAlertTests(RespondApp app) : IClassFixture<RespondApp>
{
    [Fact]
    public async Task An_admin_s_test_alert_from_a_configured_source_opens_an_incident_titled_for_the_source()
    {
        using var admin = app.As("admin");
        var answer = await (await admin.PostAsync("/api/sources/alertmanager/test", null)).JsonAsync(HttpStatusCode.Accepted);
        var alert = answer["alerts"]![0]!;
        Assert.Equal("opened", alert["disposition"]!.GetValue<string>());
        var incidentId = alert["incidentId"]!.GetValue<Guid>();

        var incident = await (await app.As("viewer").GetAsync($"/api/incidents/{incidentId}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("Test alert from alertmanager", incident["title"]!.GetValue<string>());
        Assert.Equal("low", incident["severity"]!.GetValue<string>());

        // Each test is its own incident: a second one is not folded into the first.
        var again = await (await admin.PostAsync("/api/sources/alertmanager/test", null)).JsonAsync(HttpStatusCode.Accepted);
        Assert.NotEqual(incidentId, again["alerts"]![0]!["incidentId"]!.GetValue<Guid>());
    }

    [Fact]
    public async Task A_source_added_in_the_console_takes_a_test_alert_at_once()
    {
        using var admin = app.As("admin");
        await SourceRequests.AddAsync(admin, "test-alert-console", auth: "signature");
        var answer = await (await admin.PostAsync("/api/sources/Test-Alert-Console/test", null)).JsonAsync(HttpStatusCode.Accepted);
        var incidentId = answer["alerts"]![0]!["incidentId"]!.GetValue<Guid>();
        var incident = await (await admin.GetAsync($"/api/incidents/{incidentId}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("Test alert from test-alert-console", incident["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task Only_admins_may_send_one_and_an_unknown_source_is_404()
    {
        foreach (var user in new[] { "viewer", "responder", "approver", "author" })
        {
            await (await app.As(user).PostAsync("/api/sources/generic/test", null)).ProblemAsync(HttpStatusCode.Forbidden);
        }

        await (await app.Anonymous().PostAsync("/api/sources/generic/test", null)).ProblemAsync(HttpStatusCode.Unauthorized);
        await (await app.As("admin").PostAsync("/api/sources/no-such-source/test", null)).ProblemAsync(HttpStatusCode.NotFound);
    }
}
