using System.Globalization;
using System.Text.Json;

namespace Respond.Server.LiveEvents;

/// <summary>The text/event-stream framing: <c>id</c>, <c>event</c>, one <c>data</c> line of JSON, a blank line.</summary>
internal sealed class SseWriter(HttpResponse response, JsonSerializerOptions json)
{
    /// <summary>How long an EventSource waits before it reconnects.</summary>
    private const int RetryMilliseconds = 3_000;

    public async Task StartAsync(CancellationToken ct)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-store";
        response.Headers["X-Accel-Buffering"] = "no"; // nginx would otherwise hold the stream back
        await response.WriteAsync($"retry: {RetryMilliseconds}\n\n", ct);
        await response.Body.FlushAsync(ct);
    }

    // JSON escapes line breaks inside strings, so one data line always holds the whole item.
    public Task ItemAsync(FeedItem item, CancellationToken ct) =>
        response.WriteAsync(Frame(item.Sequence, item.Kind, JsonSerializer.Serialize(item, json)), ct);

    public async Task ResetAsync(long id, string reason, CancellationToken ct)
    {
        await response.WriteAsync(Frame(id, "reset", JsonSerializer.Serialize(new { reason }, json)), ct);
        await response.Body.FlushAsync(ct);
    }

    public Task HeartbeatAsync(CancellationToken ct) => response.WriteAsync(": heartbeat\n\n", ct);

    public Task FlushAsync(CancellationToken ct) => response.Body.FlushAsync(ct);

    private static string Frame(long id, string kind, string data) =>
        string.Create(CultureInfo.InvariantCulture, $"id: {id}\nevent: {kind}\ndata: {data}\n\n");
}
