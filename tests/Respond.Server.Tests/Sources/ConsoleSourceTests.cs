using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Marten;
using Npgsql;
using Respond.Domain.Sources;
using Respond.Server.Tests.Infrastructure;

namespace Respond.Server.Tests.Sources;

/// <summary>SPEC §2: admins add, rotate and delete alert sources at run time; the webhook takes them at once; no secret leaks.</summary>
public class ConsoleSourceTests(RespondApp app) : IClassFixture<RespondApp>
{
    private readonly HttpClient admin = app.As("admin");
    private readonly HttpClient sender = app.Anonymous();

    [Fact]
    public async Task A_token_source_is_added_listed_used_rotated_and_deleted()
    {
        var added = await SourceRequests.AddAsync(admin, "edr-console");
        Assert.Equal("edr-console", added["name"]!.GetValue<string>());
        Assert.Equal("generic", added["kind"]!.GetValue<string>());
        Assert.Equal("/api/webhooks/edr-console", added["webhookPath"]!.GetValue<string>());
        var token = added["token"]!.GetValue<string>();
        Assert.True(token.Length >= 43, "a token carries at least 256 bits");
        Assert.Null(added["signingSecret"]);

        var list = await (await app.As("viewer").GetAsync("/api/sources")).JsonAsync(HttpStatusCode.OK);
        var item = list["items"]!.AsArray().Single(i => i!["name"]!.GetValue<string>() == "edr-console")!;
        Assert.Equal("console", item["origin"]!.GetValue<string>());
        Assert.Equal("generic", item["kind"]!.GetValue<string>());
        Assert.Equal("/api/webhooks/edr-console", item["webhookPath"]!.GetValue<string>());
        Assert.Equal(["token"], item["auth"]!.AsArray().Select(a => a!.GetValue<string>()));
        var configured = list["items"]!.AsArray().Single(i => i!["name"]!.GetValue<string>() == "generic")!;
        Assert.Equal("configuration", configured["origin"]!.GetValue<string>());
        Assert.Equal(["token", "signature"], configured["auth"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.DoesNotContain(token, list.ToJsonString(), StringComparison.Ordinal);

        var accepted = await (await SourceRequests.DeliverAsync(sender, "edr-console", token, "console-1")).JsonAsync(HttpStatusCode.Accepted);
        var incidentId = accepted["alerts"]![0]!["incidentId"]!.GetValue<Guid>();
        var incident = await (await app.As("viewer").GetAsync($"/api/incidents/{incidentId}")).JsonAsync(HttpStatusCode.OK);
        Assert.Contains("edr-console", incident.ToJsonString(), StringComparison.Ordinal);
        await (await SourceRequests.DeliverAsync(sender, "edr-console", "wrong-token", "console-2")).ProblemAsync(HttpStatusCode.Unauthorized);

        var rotated = await (await admin.PostAsync("/api/sources/edr-console/rotate", null)).JsonAsync(HttpStatusCode.OK);
        var newToken = rotated["token"]!.GetValue<string>();
        Assert.NotEqual(token, newToken);
        await (await SourceRequests.DeliverAsync(sender, "edr-console", token, "console-3")).ProblemAsync(HttpStatusCode.Unauthorized);
        await (await SourceRequests.DeliverAsync(sender, "edr-console", newToken, "console-4")).JsonAsync(HttpStatusCode.Accepted);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/api/sources/edr-console")).StatusCode);
        var gone = await (await SourceRequests.DeliverAsync(sender, "edr-console", newToken, "console-5")).ProblemAsync(HttpStatusCode.Unauthorized);
        var unknown = await (await SourceRequests.DeliverAsync(sender, "never-was-here", newToken, "console-6"))
            .ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(Without(unknown), Without(gone));
        await (await admin.DeleteAsync("/api/sources/edr-console")).ProblemAsync(HttpStatusCode.NotFound);
        await (await admin.PostAsync("/api/sources/edr-console/rotate", null)).ProblemAsync(HttpStatusCode.NotFound);
        var after = await (await admin.GetAsync("/api/sources")).JsonAsync(HttpStatusCode.OK);
        Assert.DoesNotContain(after["items"]!.AsArray(), i => i!["name"]!.GetValue<string>() == "edr-console");

        // The audit trail: one stream for the name, past-tense facts with actor and time, and no secret anywhere.
        await using var session = app.Service<IDocumentStore>().QuerySession();
        var events = await session.Events.FetchStreamAsync(SourceNames.StreamId("edr-console"));
        Assert.Equal([typeof(SourceAdded), typeof(SourceSecretRotated), typeof(SourceDeleted)], events.Select(e => e.Data.GetType()));
        Assert.All(events.Select(e => (ISourceEvent)e.Data), e => Assert.Equal("admin", e.Actor));
        await AssertNowhereAsync(token, newToken);

        // The name is free again, and a new add continues the same stream.
        var again = await SourceRequests.AddAsync(admin, "edr-console");
        await (await SourceRequests.DeliverAsync(sender, "edr-console", newToken, "console-7")).ProblemAsync(HttpStatusCode.Unauthorized);
        await (await SourceRequests.DeliverAsync(sender, "edr-console", again["token"]!.GetValue<string>(), "console-8"))
            .JsonAsync(HttpStatusCode.Accepted);
        Assert.Equal(4, (await session.Events.FetchStreamAsync(SourceNames.StreamId("edr-console"))).Count);
    }

    [Fact]
    public async Task A_signature_source_verifies_hmac_signed_deliveries()
    {
        var added = await SourceRequests.AddAsync(admin, "signed-console", auth: "signature", kind: "generic");
        var secret = added["signingSecret"]!.GetValue<string>();
        Assert.Null(added["token"]);
        await (await SourceRequests.DeliverSignedAsync(sender, "signed-console", secret, "sig-1")).JsonAsync(HttpStatusCode.Accepted);
        await (await SourceRequests.DeliverSignedAsync(sender, "signed-console", "not-the-secret", "sig-2"))
            .ProblemAsync(HttpStatusCode.Unauthorized);
        // The secret is a signing key, not a token: presented as a bearer token it proves nothing.
        await (await SourceRequests.DeliverAsync(sender, "signed-console", secret, "sig-3")).ProblemAsync(HttpStatusCode.Unauthorized);

        var rotated = await (await admin.PostAsync("/api/sources/signed-console/rotate", null)).JsonAsync(HttpStatusCode.OK);
        var next = rotated["signingSecret"]!.GetValue<string>();
        await (await SourceRequests.DeliverSignedAsync(sender, "signed-console", secret, "sig-4")).ProblemAsync(HttpStatusCode.Unauthorized);
        await (await SourceRequests.DeliverSignedAsync(sender, "signed-console", next, "sig-5")).JsonAsync(HttpStatusCode.Accepted);

        var list = await (await app.As("viewer").GetAsync("/api/sources")).JsonAsync(HttpStatusCode.OK);
        var item = list["items"]!.AsArray().Single(i => i!["name"]!.GetValue<string>() == "signed-console")!;
        Assert.Equal(["signature"], item["auth"]!.AsArray().Select(a => a!.GetValue<string>()));
        await AssertNowhereAsync(secret, next);
    }

    [Fact]
    public async Task Other_kinds_take_their_own_format()
    {
        var added = await SourceRequests.AddAsync(admin, "prom-console", kind: "alertmanager");
        Assert.Equal("alertmanager", added["kind"]!.GetValue<string>());
        var body = Samples.Read("alertmanager/firing-two-alerts.json");
        await (await sender.SendAsync(Samples.Delivery("prom-console", body, added["token"]!.GetValue<string>())))
            .JsonAsync(HttpStatusCode.Accepted);
    }

    [Fact]
    public async Task Configured_sources_cannot_be_added_rotated_or_deleted()
    {
        foreach (var name in new[] { "generic", "Generic", "runbooks" })
        {
            var refused = await admin.PostJsonAsync("/api/sources", new { name, kind = "generic", auth = "token", mapping = SourceRequests.Mapping });
            await refused.ProblemAsync(name == "Generic" ? HttpStatusCode.BadRequest : HttpStatusCode.Conflict);
        }

        await (await admin.DeleteAsync("/api/sources/generic")).ProblemAsync(HttpStatusCode.Conflict);
        await (await admin.PostAsync("/api/sources/generic/rotate", null)).ProblemAsync(HttpStatusCode.Conflict);
        await (await SourceRequests.DeliverAsync(sender, "generic", TestUsers.SourceToken, "still-configured")).JsonAsync(HttpStatusCode.Accepted);
    }

    [Fact]
    public async Task Two_adds_of_one_name_at_once_give_one_201_and_one_409()
    {
        for (var round = 0; round < 5; round++)
        {
            var name = $"race-{round}";
            var answers = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ =>
                admin.PostJsonAsync("/api/sources", new { name, kind = "grafana", auth = "token" })));
            Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Conflict], answers.Select(a => a.StatusCode).Order());
            await using var session = app.Service<IDocumentStore>().QuerySession();
            Assert.Single(await session.Events.FetchStreamAsync(SourceNames.StreamId(name)));
        }
    }

    [Theory]
    [InlineData("""{"kind":"generic","auth":"token"}""", "name")]
    [InlineData("""{"name":"Has Spaces","kind":"generic","auth":"token"}""", "name")]
    [InlineData("""{"name":"ok-name","kind":"splunk","auth":"token"}""", "kind")]
    [InlineData("""{"name":"ok-name","kind":"grafana","auth":"password"}""", "auth")]
    [InlineData("""{"name":"ok-name","kind":"generic","auth":"token"}""", "mapping")]
    [InlineData("""{"name":"ok-name","kind":"generic","auth":"token","mapping":{"title":"$.t"}}""", "mapping.fingerprint")]
    [InlineData("""{"name":"ok-name","kind":"generic","auth":"token","mapping":{"title":"$.t","fingerprint":"$[?("}}""", "mapping.fingerprint")]
    [InlineData("""{"name":"ok-name","kind":"generic","auth":"token","mapping":{"title":"$.t","fingerprint":"$.id","entities":{"ips":"$[["}}}""",
        "mapping.entities.ips")]
    [InlineData("""{"name":"ok-name","kind":"grafana","auth":"token","mapping":{"title":"$.t"}}""", "mapping")]
    public async Task Bad_input_is_400_naming_the_field(string body, string field)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/sources")
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        var problem = await (await admin.SendAsync(request)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(field, problem["field"]!.GetValue<string>());
        Assert.Contains(field, problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var list = await (await admin.GetAsync("/api/sources")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("ok-name", list, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("viewer")]
    [InlineData("responder")]
    [InlineData("approver")]
    [InlineData("author")]
    public async Task Only_admins_change_sources(string role)
    {
        var client = app.As(role);
        await (await client.PostJsonAsync("/api/sources", new { name = $"by-{role}", kind = "grafana", auth = "token" }))
            .ProblemAsync(HttpStatusCode.Forbidden);
        await (await client.PostAsync("/api/sources/generic/rotate", null)).ProblemAsync(HttpStatusCode.Forbidden);
        await (await client.DeleteAsync("/api/sources/generic")).ProblemAsync(HttpStatusCode.Forbidden);
        await (await client.GetAsync("/api/sources")).JsonAsync(HttpStatusCode.OK);
    }

    /// <summary>The secrets are in no event, no row of the database in the clear, no log line, and no list.</summary>
    private async Task AssertNowhereAsync(params string[] secrets)
    {
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select coalesce(string_agg(data::text, ' '), '') from respond.mt_events union all " +
            "select coalesce(string_agg(data::text, ' '), '') from respond.mt_doc_consolesourcerecord", connection);
        var stored = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                stored.Add(reader.GetString(0));
            }
        }

        var list = await (await admin.GetAsync("/api/sources")).Content.ReadAsStringAsync();
        foreach (var secret in secrets)
        {
            Assert.All(stored, text => Assert.DoesNotContain(secret, text, StringComparison.Ordinal));
            Assert.DoesNotContain(secret, list, StringComparison.Ordinal);
            Assert.DoesNotContain(app.Logs.Lines, line => line.Contains(secret, StringComparison.Ordinal));
        }
    }

    /// <summary>The problem without what differs per request.</summary>
    private static string Without(JsonNode problem)
    {
        var copy = JsonNode.Parse(problem.ToJsonString())!.AsObject();
        copy.Remove("traceId");
        copy.Remove("requestId");
        return copy.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }
}
