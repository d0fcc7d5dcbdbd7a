using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Respond.Server.Tests.Infrastructure;

namespace Respond.Server.Tests.LiveEvents;

/// <summary>A server whose live feed beats every half second and replays at most 20 missed events.</summary>
public sealed class LiveEventsApp : RespondApp
{
    protected override IDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        ["Respond:Events:Heartbeat"] = "PT0.5S",
        ["Respond:Events:ReplayLimit"] = "20",
        ["Respond:Events:MaxStreamsPerUser"] = "3",
    };
}

/// <summary><c>GET /api/events</c>: what a signed-in browser sees live, and what it gets back after a reconnect.</summary>
public class LiveEventsTests(LiveEventsApp app) : IClassFixture<LiveEventsApp>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private static Func<SseFrame, bool> Of(Guid incident, string type) =>
        f => f.Event == "incident" && f.Json["id"]!.GetValue<Guid>() == incident && f.Json["type"]!.GetValue<string>() == type;

    private async Task<Guid> AlertAsync(string id)
    {
        var answer = await (await app.CreateClient().SendAsync(Samples.Delivery("generic", Samples.Generic(id)))).JsonAsync(HttpStatusCode.Accepted);
        return answer["alerts"]![0]!["incidentId"]!.GetValue<Guid>();
    }

    private async Task CommentAsync(Guid incident, string text) =>
        await (await app.As("responder").PostJsonAsync($"/api/incidents/{incident}/comments", new { text })).JsonAsync(HttpStatusCode.OK);

    [Fact]
    public async Task An_alert_through_the_webhook_and_its_acknowledgement_arrive_live_with_rising_versions()
    {
        await using var stream = await SseStream.OpenOkAsync(app.As("viewer"));
        Assert.Equal("text/event-stream", stream.Response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-store", stream.Response.Headers.CacheControl?.ToString());
        Assert.Equal("no", Assert.Single(stream.Response.Headers.GetValues("X-Accel-Buffering")));

        var incident = await AlertAsync($"live-{Guid.NewGuid():N}");
        var opened = (await stream.UntilAsync(Of(incident, "IncidentOpened"), Deadline, "the opened incident"))[^1];
        var item = opened.Json;
        Assert.Equal("incident", item["kind"]!.GetValue<string>());
        Assert.Equal(incident, item["incidentId"]!.GetValue<Guid>());
        Assert.Equal(1, item["version"]!.GetValue<long>());
        Assert.Equal("source:generic", item["actor"]!.GetValue<string>());
        Assert.Equal(TimeSpan.Zero, item["at"]!.GetValue<DateTimeOffset>().Offset); // UTC, as the API writes times
        Assert.DoesNotContain("203.0.113.9", opened.Data, StringComparison.Ordinal); // nothing of the alert's payload

        await (await app.As("responder").PostJsonAsync($"/api/incidents/{incident}/acknowledge", null)).JsonAsync(HttpStatusCode.OK);
        var acknowledged = (await stream.UntilAsync(Of(incident, "IncidentAcknowledged"), Deadline, "the acknowledgement"))[^1];
        Assert.True(acknowledged.Json["version"]!.GetValue<long>() > 1);
        Assert.Equal("responder", acknowledged.Json["actor"]!.GetValue<string>());
        Assert.True(acknowledged.Sequence > opened.Sequence);
    }

    [Fact]
    public async Task A_reconnect_with_last_event_id_replays_exactly_what_was_missed_then_goes_on_live()
    {
        var incident = await app.As("responder").OpenIncidentAsync("replay me");
        string last;
        await using (var first = await SseStream.OpenOkAsync(app.As("viewer")))
        {
            await CommentAsync(incident, "seen live");
            last = (await first.UntilAsync(Of(incident, "CommentAdded"), Deadline, "the first comment"))[^1].Id!;
        }

        for (var i = 0; i < 3; i++)
        {
            await CommentAsync(incident, $"missed {i}");
        }

        await using var second = await SseStream.OpenOkAsync(app.As("viewer"), lastEventId: last);
        await CommentAsync(incident, "after the reconnect");
        var frames = await second.UntilAsync(f => Of(incident, "CommentAdded")(f) && f.Json["version"]!.GetValue<long>() == 6, Deadline,
            "the comment after the reconnect");
        var mine = frames.Where(f => f.Json["id"]!.GetValue<Guid>() == incident).ToList();
        Assert.Equal([3L, 4, 5, 6], mine.Select(f => f.Json["version"]!.GetValue<long>()));
        Assert.Equal(frames.Count, frames.Select(f => f.Id).Distinct().Count());
        Assert.All(frames, f => Assert.True(f.Sequence > long.Parse(last, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task A_reconnect_while_changes_keep_coming_loses_none_and_repeats_none()
    {
        var incident = await app.As("responder").OpenIncidentAsync("busy");
        string last;
        await using (var first = await SseStream.OpenOkAsync(app.As("viewer")))
        {
            await CommentAsync(incident, "mark");
            last = (await first.UntilAsync(Of(incident, "CommentAdded"), Deadline, "the mark"))[^1].Id!;
        }

        // Writes go on before, during and after the reconnect: the hand-over from the replay to the live feed is under load.
        using var stop = new CancellationTokenSource();
        var written = 0;
        var writer = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested && written < 15)
            {
                await CommentAsync(incident, $"c{written}");
                written++;
            }
        });
        await Poll.UntilAsync(() => Task.FromResult(Volatile.Read(ref written)), n => n >= 3, Deadline, "some comments first");
        await using var second = await SseStream.OpenOkAsync(app.As("viewer"), lastEventId: last);
        await writer;
        var finalVersion = 2 + written;
        var frames = await second.UntilAsync(f => Of(incident, "CommentAdded")(f) && f.Json["version"]!.GetValue<long>() == finalVersion,
            TimeSpan.FromSeconds(20), $"version {finalVersion}");
        var versions = frames.Where(f => f.Json["id"]!.GetValue<Guid>() == incident).Select(f => f.Json["version"]!.GetValue<long>());
        Assert.Equal(Enumerable.Range(3, written).Select(v => (long)v), versions);
        Assert.Equal(frames.Count, frames.Select(f => f.Id).Distinct().Count());
    }

    [Fact]
    public async Task Too_many_missed_events_send_a_reset_and_the_stream_goes_on()
    {
        var incident = await app.As("responder").OpenIncidentAsync("far behind");
        string last;
        await using (var first = await SseStream.OpenOkAsync(app.As("viewer")))
        {
            await CommentAsync(incident, "mark");
            last = (await first.UntilAsync(Of(incident, "CommentAdded"), Deadline, "the mark"))[^1].Id!;
        }

        // Another stream sees the last of them, so the feed has passed them all: they are the replay's, not the live part's.
        await using var watcher = await SseStream.OpenOkAsync(app.As("admin"));
        for (var i = 0; i < 22; i++)
        {
            await CommentAsync(incident, $"missed {i}");
        }

        await watcher.UntilAsync(f => Of(incident, "CommentAdded")(f) && f.Json["version"]!.GetValue<long>() == 24, Deadline, "the last missed");
        await using var second = await SseStream.OpenOkAsync(app.As("viewer"), lastEventId: last);
        var reset = await second.NextAsync(Deadline);
        Assert.Equal("reset", reset.Event);
        Assert.True(reset.Sequence > long.Parse(last, System.Globalization.CultureInfo.InvariantCulture));
        await CommentAsync(incident, "after");
        await second.UntilAsync(f => Of(incident, "CommentAdded")(f) && f.Json["version"]!.GetValue<long>() == 25, Deadline, "live again");
    }

    [Fact]
    public async Task A_last_event_id_beyond_the_store_gets_a_reset_then_live_events()
    {
        await using var stream = await SseStream.OpenOkAsync(app.As("viewer"), lastEventId: "900000000000");
        var reset = await stream.NextAsync(Deadline);
        Assert.Equal("reset", reset.Event);
        Assert.True(reset.Sequence < 900_000_000_000);
        var incident = await app.As("responder").OpenIncidentAsync("after a reset");
        await stream.UntilAsync(Of(incident, "IncidentOpened"), Deadline, "the incident");
    }

    [Fact]
    public async Task The_query_parameter_resumes_as_the_header_does()
    {
        var incident = await app.As("responder").OpenIncidentAsync("query resume");
        string last;
        await using (var first = await SseStream.OpenOkAsync(app.As("viewer")))
        {
            await CommentAsync(incident, "mark");
            last = (await first.UntilAsync(Of(incident, "CommentAdded"), Deadline, "the mark"))[^1].Id!;
        }

        await CommentAsync(incident, "missed");
        await using var second = await SseStream.OpenOkAsync(app.As("viewer"), $"/api/events?lastEventId={last}");
        var frame = (await second.UntilAsync(Of(incident, "CommentAdded"), Deadline, "the missed comment"))[^1];
        Assert.Equal(3, frame.Json["version"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_heartbeat_arrives_when_nothing_happens()
    {
        await using var stream = await SseStream.OpenOkAsync(app.As("viewer"));
        var deadline = DateTime.UtcNow + Deadline;
        while (true)
        {
            var frame = await stream.NextAsync(deadline - DateTime.UtcNow);
            if (frame.Comment == "heartbeat")
            {
                return;
            }
        }
    }

    [Fact]
    public async Task Without_credentials_it_is_401_and_a_bad_last_event_id_is_400()
    {
        await (await app.Anonymous().GetAsync("/api/events")).ProblemAsync(HttpStatusCode.Unauthorized);
        await using var bad = await SseStream.OpenAsync(app.As("viewer"), lastEventId: "12abc");
        await bad.Response.ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task The_session_cookie_opens_the_stream()
    {
        var client = app.Anonymous();
        var signIn = await client.PostAsJsonAsync("/api/session", new { apiKey = TestUsers.ViewerKey });
        await signIn.JsonAsync(HttpStatusCode.OK);
        client.DefaultRequestHeaders.Add("Cookie", signIn.Headers.GetValues("Set-Cookie").Single().Split(';')[0]);
        await using var stream = await SseStream.OpenOkAsync(client);
        var incident = await app.As("responder").OpenIncidentAsync("seen through the cookie");
        await stream.UntilAsync(Of(incident, "IncidentOpened"), Deadline, "the incident");
    }

    [Fact]
    public async Task A_user_may_keep_only_so_many_streams_open()
    {
        var streams = new List<SseStream>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                streams.Add(await SseStream.OpenOkAsync(app.As("author")));
            }

            await using var refused = await SseStream.OpenAsync(app.As("author"));
            var problem = await refused.Response.ProblemAsync(HttpStatusCode.TooManyRequests);
            Assert.Contains("3", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);

            // Another user is not counted against this one, and a closed stream frees its place.
            await using var other = await SseStream.OpenOkAsync(app.As("approver"));
            await streams[0].DisposeAsync();
            streams.RemoveAt(0);
            await Poll.UntilAsync(async () =>
            {
                var again = await SseStream.OpenAsync(app.As("author"));
                if (again.Response.StatusCode == HttpStatusCode.OK)
                {
                    streams.Add(again);
                    return true;
                }

                await again.DisposeAsync();
                return false;
            }, ok => ok, Deadline, "a place after one stream closed");
        }
        finally
        {
            foreach (var stream in streams)
            {
                await stream.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Items_name_ids_versions_and_words_but_no_free_text()
    {
        await using var stream = await SseStream.OpenOkAsync(app.As("viewer"));
        var incident = await app.As("responder").OpenIncidentAsync("a title that stays out of the feed");
        await CommentAsync(incident, "a comment that stays out of the feed");
        var frames = await stream.UntilAsync(Of(incident, "CommentAdded"), Deadline, "the comment");
        Assert.All(frames, f => Assert.DoesNotContain("stays out of the feed", f.Data, StringComparison.Ordinal));
        var keys = ((JsonObject)frames[^1].Json).Select(p => p.Key).ToHashSet();
        var allowed = new HashSet<string>
        {
            "kind", "type", "id", "incidentId", "runId", "approvalId", "stepId", "version", "at", "actor", "summary",
        };
        Assert.Subset(allowed, keys);
    }
}

/// <summary>Sequence numbers are taken before commit: the feed waits at a gap rather than lose what commits late.</summary>
public class LiveEventsGapTests(LiveEventsApp app) : IClassFixture<LiveEventsApp>
{
    [Fact]
    public async Task An_event_after_an_open_gap_waits_for_it_and_comes_once_the_gap_is_given_up()
    {
        await using var stream = await SseStream.OpenOkAsync(app.As("viewer"));
        await using var connection = new Npgsql.NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        // A writer that has taken its number and not yet committed (as Marten does before each append).
        await using (var take = new Npgsql.NpgsqlCommand("select nextval('respond.mt_events_sequence')", connection, transaction))
        {
            await take.ExecuteScalarAsync();
        }

        var incident = await app.As("responder").OpenIncidentAsync("behind a gap");
        var held = DateTime.UtcNow;
        await Assert.ThrowsAsync<TimeoutException>(() => stream.UntilAsync(
            f => f.Event == "incident" && f.Json["id"]!.GetValue<Guid>() == incident, TimeSpan.FromSeconds(1.5), "nothing yet"));

        await transaction.RollbackAsync(); // that writer never commits: the gap stays, and is passed over
        await stream.UntilAsync(f => f.Event == "incident" && f.Json["id"]!.GetValue<Guid>() == incident, TimeSpan.FromSeconds(10), "the incident");
        Assert.True(DateTime.UtcNow - held >= TimeSpan.FromSeconds(2));
    }
}
