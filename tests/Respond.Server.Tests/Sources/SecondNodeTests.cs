using System.Net;
using Respond.Server.Tests.Infrastructure;

namespace Respond.Server.Tests.Sources;

/// <summary>"At once, on every node": a second server on the same database follows adds, rotations and deletes without a restart.</summary>
public class SecondNodeTests(RespondApp app) : IClassFixture<RespondApp>
{
    // The cache is read again after a second; the rest is slack for a loaded test machine.
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(4);

    [Fact]
    public async Task Another_node_takes_a_new_source_and_drops_a_rotated_or_deleted_secret_within_seconds()
    {
        await using var second = new RespondApp { SharedConnectionString = app.ConnectionString };
        await second.InitializeAsync();
        var there = second.Anonymous();
        var admin = app.As("admin");

        // Looked up (and missed) on the second node first, so it has a copy to outgrow.
        await (await SourceRequests.DeliverAsync(there, "shared-token", "no-token-yet", "node-0")).ProblemAsync(HttpStatusCode.Unauthorized);
        var token = (await SourceRequests.AddAsync(admin, "shared-token"))["token"]!.GetValue<string>();
        var n = 0;
        await Poll.UntilAsync(() => SourceRequests.DeliverAsync(there, "shared-token", token, $"node-{++n}"),
            r => r.StatusCode == HttpStatusCode.Accepted, Deadline, "the second node to accept the new source");

        var rotated = (await (await admin.PostAsync("/api/sources/shared-token/rotate", null)).JsonAsync(HttpStatusCode.OK))["token"]!
            .GetValue<string>();
        await Poll.UntilAsync(() => SourceRequests.DeliverAsync(there, "shared-token", token, $"node-{++n}"),
            r => r.StatusCode == HttpStatusCode.Unauthorized, Deadline, "the second node to refuse the old token");
        await (await SourceRequests.DeliverAsync(there, "shared-token", rotated, $"node-{++n}")).JsonAsync(HttpStatusCode.Accepted);

        // A signing secret made on the first node is read on the second through the shared key ring.
        var secret = (await SourceRequests.AddAsync(admin, "shared-signed", auth: "signature"))["signingSecret"]!.GetValue<string>();
        await Poll.UntilAsync(() => SourceRequests.DeliverSignedAsync(there, "shared-signed", secret, $"node-{++n}"),
            r => r.StatusCode == HttpStatusCode.Accepted, Deadline, "the second node to verify the new signing secret");

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/api/sources/shared-token")).StatusCode);
        await Poll.UntilAsync(() => SourceRequests.DeliverAsync(there, "shared-token", rotated, $"node-{++n}"),
            r => r.StatusCode == HttpStatusCode.Unauthorized, Deadline, "the second node to refuse the deleted source");

        // And the other way round: the second node's admin changes are the first node's too.
        var fromSecond = (await SourceRequests.AddAsync(second.As("admin"), "added-on-second"))["token"]!.GetValue<string>();
        await Poll.UntilAsync(() => SourceRequests.DeliverAsync(app.Anonymous(), "added-on-second", fromSecond, $"node-{++n}"),
            r => r.StatusCode == HttpStatusCode.Accepted, Deadline, "the first node to accept the second node's source");
    }
}
