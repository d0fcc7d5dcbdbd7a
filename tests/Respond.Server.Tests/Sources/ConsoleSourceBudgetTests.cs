using System.Net;
using Respond.Server.Tests.Alerts;
using Respond.Server.Tests.Infrastructure;

namespace Respond.Server.Tests.Sources;

/// <summary>Refused credentials for a console source (or one deleted) spend the address's failure budget, as for any source.</summary>
public class ConsoleSourceBudgetTests(WebhookAbuseApp app) : IClassFixture<WebhookAbuseApp>
{
    private static HttpRequestMessage From(string peer, HttpRequestMessage request)
    {
        request.Headers.Add(TestPeer.Header, peer);
        return request;
    }

    [Fact]
    public async Task Wrong_tokens_for_an_added_or_deleted_source_run_out_the_address_budget()
    {
        const string peer = "203.0.113.151";
        var client = app.Anonymous();
        var token = (await SourceRequests.AddAsync(app.As("admin"), "budgeted"))["token"]!.GetValue<string>();
        await (await client.SendAsync(From(peer, Samples.Delivery("budgeted", Samples.Generic("b-0"), token)))).JsonAsync(HttpStatusCode.Accepted);
        Assert.Equal(HttpStatusCode.NoContent, (await app.As("admin").DeleteAsync("/api/sources/budgeted")).StatusCode);

        for (var i = 0; i < WebhookAbuseApp.FailuresPerMinute; i++)
        {
            var name = i % 2 == 0 ? "budgeted" : "never-added";
            await (await client.SendAsync(From(peer, Samples.Delivery(name, Samples.Generic($"b-{i + 1}"), token))))
                .ProblemAsync(HttpStatusCode.Unauthorized);
        }

        await (await client.SendAsync(From(peer, Samples.Delivery("budgeted", Samples.Generic("b-over"), token))))
            .ProblemAsync(HttpStatusCode.TooManyRequests);
    }
}
