using System.Net;
using System.Text;
using Npgsql;
using Respond.Server.Alerts;
using Respond.Server.Tests.Infrastructure;

namespace Respond.Server.Tests.Alerts;

/// <summary>Every refusal of SPEC section 2 is a problem document, and stores nothing.</summary>
public class WebhookRefusalTests(RespondApp app) : IClassFixture<RespondApp>
{
    private readonly HttpClient client = app.Anonymous();

    private async Task RefusedAsync(HttpRequestMessage request, HttpStatusCode expected, string? titleContains = null)
    {
        var before = await StoredCounts.ReadAsync(app.ConnectionString);
        var problem = await (await client.SendAsync(request)).ProblemAsync(expected);
        if (titleContains is not null)
        {
            Assert.Contains(titleContains, problem["title"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
        }

        Assert.Equal(before, await StoredCounts.ReadAsync(app.ConnectionString));
    }

    [Fact]
    public Task Malformed_json_is_400() =>
        RefusedAsync(Samples.Delivery("generic", "{\"id\": \"a\", \"title\": "), HttpStatusCode.BadRequest, "not valid JSON");

    [Theory]
    [InlineData("alertmanager", "{\"hello\":\"world\"}")]
    [InlineData("azure-monitor", "{\"schemaId\":\"something-else\",\"data\":{}}")]
    [InlineData("defender", "[1,2,3]")]
    [InlineData("grafana", "\"just a string\"")]
    [InlineData("generic", "{\"id\":\"x\"}")]
    public Task A_body_that_is_not_the_kinds_shape_is_400(string source, string body) =>
        RefusedAsync(Samples.Delivery(source, body), HttpStatusCode.BadRequest);

    [Fact]
    public Task A_missing_token_is_401() =>
        RefusedAsync(Samples.Delivery("generic", Samples.Generic("a1"), token: null), HttpStatusCode.Unauthorized);

    [Fact]
    public Task A_wrong_token_is_401() =>
        RefusedAsync(Samples.Delivery("generic", Samples.Generic("a2"), token: "wrong-token"), HttpStatusCode.Unauthorized);

    [Fact]
    public Task A_user_api_key_is_not_a_source_token() =>
        RefusedAsync(Samples.Delivery("generic", Samples.Generic("a3"), token: TestUsers.AdminKey), HttpStatusCode.Unauthorized);

    [Fact]
    public async Task The_token_may_come_as_code_in_the_query()
    {
        var request = Samples.Delivery("generic", Samples.Generic("code-1"), token: null);
        request.RequestUri = new Uri($"/api/webhooks/generic?code={TestUsers.SourceToken}", UriKind.Relative);
        await (await client.SendAsync(request)).JsonAsync(HttpStatusCode.Accepted);

        var wrong = Samples.Delivery("generic", Samples.Generic("code-2"), token: null);
        wrong.RequestUri = new Uri("/api/webhooks/generic?code=nope", UriKind.Relative);
        await RefusedAsync(wrong, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_fresh_signature_is_accepted_and_a_stale_or_forged_one_is_401()
    {
        var body = Samples.Generic("signed-1");
        var signed = Samples.Delivery("generic", body, token: null);
        signed.Headers.Add(SourceAuthenticator.SignatureHeader,
            SourceAuthenticator.Sign(TestUsers.SigningSecret, Encoding.UTF8.GetBytes(body), DateTimeOffset.UtcNow));
        await (await client.SendAsync(signed)).JsonAsync(HttpStatusCode.Accepted);

        var replayBody = Samples.Generic("signed-2");
        var replay = Samples.Delivery("generic", replayBody, token: null);
        replay.Headers.Add(SourceAuthenticator.SignatureHeader,
            SourceAuthenticator.Sign(TestUsers.SigningSecret, Encoding.UTF8.GetBytes(replayBody), DateTimeOffset.UtcNow.AddMinutes(-6)));
        await RefusedAsync(replay, HttpStatusCode.Unauthorized);

        var forgedBody = Samples.Generic("signed-3");
        var forged = Samples.Delivery("generic", forgedBody, token: null);
        forged.Headers.Add(SourceAuthenticator.SignatureHeader,
            SourceAuthenticator.Sign("not-the-secret", Encoding.UTF8.GetBytes(forgedBody), DateTimeOffset.UtcNow));
        await RefusedAsync(forged, HttpStatusCode.Unauthorized);

        // A signature over a different body does not carry over.
        var tampered = Samples.Delivery("generic", Samples.Generic("signed-4", title: "tampered"), token: null);
        tampered.Headers.Add(SourceAuthenticator.SignatureHeader,
            SourceAuthenticator.Sign(TestUsers.SigningSecret, Encoding.UTF8.GetBytes(Samples.Generic("signed-4")), DateTimeOffset.UtcNow));
        await RefusedAsync(tampered, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public Task An_unknown_source_is_401_like_a_wrong_token() =>
        RefusedAsync(Samples.Delivery("nosuchsource", Samples.Generic("b1")), HttpStatusCode.Unauthorized, "credentials");

    [Fact]
    public Task A_body_over_one_mebibyte_is_413()
    {
        var huge = $$"""{"id":"big","title":"big","pad":"{{new string('x', ReceiveWebhook.MaxBodyBytes)}}"}""";
        return RefusedAsync(Samples.Delivery("generic", huge), HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task A_chunked_body_over_one_mebibyte_is_413_too()
    {
        var request = Samples.Delivery("generic", "");
        var huge = Encoding.UTF8.GetBytes($$"""{"id":"big","title":"big","pad":"{{new string('x', ReceiveWebhook.MaxBodyBytes)}}"}""");
        request.Content = new StreamContent(new MemoryStream(huge)); // no Content-Length: read until the cap
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.TransferEncodingChunked = true;
        await RefusedAsync(request, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_415()
    {
        var request = Samples.Delivery("generic", Samples.Generic("c1"));
        request.Content = new StringContent(Samples.Generic("c1"), Encoding.UTF8, "text/plain");
        await RefusedAsync(request, HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task A_storm_from_one_source_is_429_with_retry_after()
    {
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 10 && limited is null; i++)
        {
            var response = await client.SendAsync(Samples.Delivery("tight", Samples.Generic($"storm-{i}")));
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited = response;
            }
        }

        Assert.NotNull(limited);
        Assert.True(limited.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        await limited.ProblemAsync(HttpStatusCode.TooManyRequests);
        await RefusedAsync(Samples.Delivery("tight", Samples.Generic("storm-last")), HttpStatusCode.TooManyRequests);

        // Another source is not held back by this one's storm.
        await (await client.SendAsync(Samples.Delivery("generic", Samples.Generic("calm")))).JsonAsync(HttpStatusCode.Accepted);
    }

    [Fact]
    public async Task Storage_unavailable_is_503_with_retry_after_and_recovers()
    {
        var database = new NpgsqlConnectionStringBuilder(app.ConnectionString).Database!;
        await using var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(app.ConnectionString)
        {
            Database = "postgres",
            Pooling = false
        }.ConnectionString);
        await admin.OpenAsync();

        async Task Exec(string sql)
        {
            await using var command = new NpgsqlCommand(sql, admin);
            await command.ExecuteNonQueryAsync();
        }

        await Exec($"alter database \"{database}\" allow_connections false");
        try
        {
            await Exec($"select pg_terminate_backend(pid) from pg_stat_activity where datname = '{database}' and pid <> pg_backend_pid()");
            NpgsqlConnection.ClearAllPools();
            var response = await client.SendAsync(Samples.Delivery("generic", Samples.Generic("while-down")));
            var problem = await response.ProblemAsync(HttpStatusCode.ServiceUnavailable);
            Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero);
            Assert.Contains("unavailable", problem["title"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            await Exec($"alter database \"{database}\" allow_connections true");
        }

        NpgsqlConnection.ClearAllPools();
        var accepted = await Poll.UntilAsync(
            () => client.SendAsync(Samples.Delivery("generic", Samples.Generic("after-recovery"))),
            r => r.StatusCode == HttpStatusCode.Accepted, TimeSpan.FromSeconds(20), "ingestion to recover");
        await accepted.JsonAsync(HttpStatusCode.Accepted);
    }
}
