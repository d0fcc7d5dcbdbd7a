using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Respond.Server.Alerts;
using Respond.Server.Tests.Infrastructure;

namespace Respond.Server.Tests.Alerts;

/// <summary>A small source budget and a small failure budget, so floods run out of them quickly.</summary>
public sealed class WebhookAbuseApp : RespondApp
{
    public const int FailuresPerMinute = 5;

    protected override IDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        ["Respond:Auth:WebhookFailuresPerMinute"] = FailuresPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Respond:Sources:small:Kind"] = "generic",
        ["Respond:Sources:small:Token"] = TestUsers.SourceToken,
        ["Respond:Sources:small:SigningSecret"] = TestUsers.SigningSecret,
        ["Respond:Sources:small:RateLimit:PermitsPerSecond"] = "1",
        ["Respond:Sources:small:RateLimit:Burst"] = "3",
        ["Respond:Sources:small:Mapping:Title"] = "$.title",
        ["Respond:Sources:small:Mapping:Fingerprint"] = "$.id",
    };
}

/// <summary>Issue 9, defect 2: only proven deliveries spend a source's budget; refused ones have their own, per address.</summary>
public class WebhookAbuseTests(WebhookAbuseApp app) : IClassFixture<WebhookAbuseApp>
{
    private readonly HttpClient client = app.Anonymous();

    private static HttpRequestMessage From(string peer, HttpRequestMessage request)
    {
        request.Headers.Add(TestPeer.Header, peer);
        return request;
    }

    [Fact]
    public async Task A_flood_of_unauthenticated_posts_leaves_the_real_senders_budget_alone()
    {
        for (var i = 0; i < 20; i++)
        {
            var response = await client.SendAsync(From($"198.51.100.{i + 1}",
                Samples.Delivery("small", Samples.Generic($"flood-{i}"), token: "guess")));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        var real = await client.SendAsync(From("192.0.2.200", Samples.Delivery("small", Samples.Generic("real-after-flood"))));
        await real.JsonAsync(HttpStatusCode.Accepted);
    }

    [Fact]
    public async Task Failures_beyond_the_address_budget_are_429_but_the_right_token_from_that_address_is_accepted()
    {
        const string peer = "203.0.113.77";
        for (var i = 0; i < WebhookAbuseApp.FailuresPerMinute; i++)
        {
            await (await client.SendAsync(From(peer, Samples.Delivery("generic", Samples.Generic($"guess-{i}"), token: $"guess-{i}"))))
                .ProblemAsync(HttpStatusCode.Unauthorized);
        }

        var limited = await client.SendAsync(From(peer, Samples.Delivery("generic", Samples.Generic("guess-over"), token: "guess-over")));
        await limited.ProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.True(limited.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));

        // Same address, right token: someone else's failures never refuse it.
        await (await client.SendAsync(From(peer,
            Samples.Delivery("generic", Samples.Generic("right-after-guesses"))))).JsonAsync(HttpStatusCode.Accepted);

        // Another address still gets its plain 401.
        await (await client.SendAsync(From("203.0.113.78", Samples.Delivery("generic", Samples.Generic("elsewhere"), token: "nope"))))
            .ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_token_source_checks_the_token_before_judging_the_body()
    {
        var huge = $$"""{"id":"big","title":"big","pad":"{{new string('x', ReceiveWebhook.MaxBodyBytes)}}"}""";
        await (await client.SendAsync(From("203.0.113.90",
            Samples.Delivery("generic", huge, token: "wrong")))).ProblemAsync(HttpStatusCode.Unauthorized);

        var notJson = Samples.Delivery("generic", "hello", token: "wrong");
        notJson.Content = new StringContent("hello", Encoding.UTF8, "text/plain");
        await (await client.SendAsync(From("203.0.113.90", notJson))).ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("203.0.113.101", null, false)]
    [InlineData("203.0.113.102", "wrong-token", false)]
    [InlineData("203.0.113.103", null, true)]
    public async Task Unknown_and_known_source_names_answer_alike_without_credentials(string peer, string? token, bool forgedSignature)
    {
        async Task<(HttpStatusCode Status, string Body, string Headers)> AskAsync(string source)
        {
            var body = Samples.Generic("probe");
            var request = From(peer, Samples.Delivery(source, body, token));
            if (forgedSignature)
            {
                request.Headers.Add(SourceAuthenticator.SignatureHeader,
                    SourceAuthenticator.Sign("forged", Encoding.UTF8.GetBytes(body), DateTimeOffset.UtcNow));
            }

            var response = await client.SendAsync(request);
            var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
            problem.Remove("requestId");
            problem.Remove("traceId");
            var headers = string.Join(";", response.Headers.Concat(response.Content.Headers)
                .Where(h => h.Key is not ("Date" or "Content-Length"))
                .OrderBy(h => h.Key, StringComparer.Ordinal)
                .Select(h => $"{h.Key}={string.Join(",", h.Value)}"));
            return (response.StatusCode, problem.ToJsonString(), headers);
        }

        var known = await AskAsync("small");
        var unknown = await AskAsync("no-such-source");
        Assert.Equal(HttpStatusCode.Unauthorized, known.Status);
        Assert.Equal(known, unknown);
    }
}
