using System.Globalization;
using System.Text.Json;
using Marten;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Respond.Server.Auth;
using Respond.Server.Hosting;

namespace Respond.Server.LiveEvents;

/// <summary>
/// <c>GET /api/events</c>: server-sent events of incident, run and approval changes. Each frame is
/// <c>id: &lt;global sequence&gt;</c>, <c>event: incident|run|approval</c>, <c>data: &lt;feed item&gt;</c>. With
/// <c>Last-Event-ID</c> (or <c>?lastEventId=</c>) the events after it are replayed from the store first, then the
/// stream goes on live, without a gap or a repeat; without it the stream starts now. A comment line is the heartbeat.
/// </summary>
public static class StreamEvents
{
    public static void Map(RouteGroupBuilder group) => group.MapGet("/", async (
        HttpContext context, string? lastEventId, EventFeed feed, LiveEventsOptions options, IQuerySession session,
        IOptions<JsonOptions> json, IHostApplicationLifetime lifetime) =>
    {
        var resume = context.Request.Headers["Last-Event-ID"].FirstOrDefault() ?? lastEventId;
        long? after = null;
        if (!string.IsNullOrEmpty(resume))
        {
            if (!long.TryParse(resume, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                return Problems.BadRequest("Last-Event-ID (or lastEventId) is the id of an event this stream sent: a whole number.");
            }

            after = n;
        }

        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        var ct = stopping.Token;
        try
        {
            await feed.Ready.WaitAsync(ct);
            using var subscription = feed.Subscribe(context.User.Actor());
            if (subscription is null)
            {
                return Problems.Status(StatusCodes.Status429TooManyRequests, "Too many live streams.",
                    $"Each user may keep {options.MaxStreamsPerUser} event streams open; close one (another tab) first.");
            }

            var stream = new SseWriter(context.Response, json.Value.SerializerOptions);
            await stream.StartAsync(ct);
            var floor = await ReplayAsync(stream, subscription.Start, after, session, options, ct);
            await LiveAsync(stream, subscription, floor, options.Heartbeat, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away, or the server is stopping: the stream simply ends.
        }
        catch (IOException) when (ct.IsCancellationRequested || context.RequestAborted.IsCancellationRequested)
        {
        }

        return Results.Empty;
    })
    .RequireAuthorization(Roles.Viewer)
    .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
    .ProducesProblem(StatusCodes.Status400BadRequest)
    .ProducesProblem(StatusCodes.Status429TooManyRequests);

    /// <summary>
    /// Sends what the client missed: the events after <paramref name="after"/> up to the stream's <paramref name="start"/>.
    /// Returns the sequence the live part must be above.
    /// </summary>
    private static async Task<long> ReplayAsync(
        SseWriter stream, long start, long? after, IQuerySession session, LiveEventsOptions options, CancellationToken ct)
    {
        if (after is not { } n || n == start)
        {
            return start;
        }

        if (n > start)
        {
            // Another node may have published further than this one has; a number beyond the store is not ours at all.
            var newest = await session.Events.QueryAllRawEvents().OrderByDescending(e => e.Sequence).Select(e => e.Sequence)
                .FirstOrDefaultAsync(ct);
            if (n <= newest)
            {
                return n;
            }

            await stream.ResetAsync(start, "The last event id is not one this server sent; reload.", ct);
            return start;
        }

        var missed = await session.Events.QueryAllRawEvents()
            .Where(e => e.Sequence > n && e.Sequence <= start)
            .OrderBy(e => e.Sequence)
            .Take(options.ReplayLimit + 1)
            .ToListAsync(ct);
        if (missed.Count > options.ReplayLimit)
        {
            await stream.ResetAsync(start, $"More than {options.ReplayLimit} events were missed; reload.", ct);
            return start;
        }

        foreach (var item in await FeedItems.MapAsync(session, missed, ct))
        {
            await stream.ItemAsync(item, ct);
        }

        await stream.FlushAsync(ct);
        return start;
    }

    private static async Task LiveAsync(
        SseWriter stream, EventFeed.Subscription subscription, long floor, TimeSpan heartbeat, CancellationToken ct)
    {
        var nextBeat = DateTime.UtcNow + heartbeat;
        while (true)
        {
            var wait = nextBeat - DateTime.UtcNow;
            if (wait > TimeSpan.Zero)
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(wait);
                try
                {
                    if (!await subscription.Items.WaitToReadAsync(timeout.Token))
                    {
                        return; // cut off (too slow: the client reconnects and replays) or the server is stopping
                    }
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                }
            }

            while (subscription.Items.TryRead(out var item))
            {
                if (item.Sequence > floor)
                {
                    await stream.ItemAsync(item, ct);
                }
            }

            if (DateTime.UtcNow >= nextBeat)
            {
                await stream.HeartbeatAsync(ct);
                nextBeat = DateTime.UtcNow + heartbeat;
            }

            await stream.FlushAsync(ct);
        }
    }
}
