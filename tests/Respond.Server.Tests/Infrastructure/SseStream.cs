using System.Net;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Respond.Server.Tests.Infrastructure;

/// <summary>One server-sent event: its id, its event name, its data, or a comment line (a heartbeat).</summary>
public sealed record SseFrame(string? Id, string? Event, string Data, string? Comment = null)
{
    public JsonNode Json => JsonNode.Parse(Data)!;

    public long Sequence => long.Parse(Id!, System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>A text/event-stream read as it arrives (headers first, the body never ends), parsed frame by frame.</summary>
public sealed class SseStream : IAsyncDisposable
{
    private readonly HttpResponseMessage response;
    private readonly StreamReader reader;
    private readonly Channel<SseFrame> frames = Channel.CreateUnbounded<SseFrame>();
    private Task? pump;

    private SseStream(HttpResponseMessage response, Stream body)
    {
        this.response = response;
        reader = new StreamReader(body);
    }

    public HttpResponseMessage Response => response;

    /// <summary>Opens the stream; the answer's status is checked by the caller (a refusal has a problem body instead).</summary>
    public static async Task<SseStream> OpenAsync(HttpClient client, string path = "/api/events", string? lastEventId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        return new SseStream(response, await response.Content.ReadAsStreamAsync());
    }

    public static async Task<SseStream> OpenOkAsync(HttpClient client, string path = "/api/events", string? lastEventId = null)
    {
        var stream = await OpenAsync(client, path, lastEventId);
        if (stream.Response.StatusCode != HttpStatusCode.OK)
        {
            var text = await stream.Response.Content.ReadAsStringAsync();
            await stream.DisposeAsync();
            Assert.Fail($"Expected 200 from {path}, got {(int)stream.Response.StatusCode}: {text}");
        }

        return stream;
    }

    /// <summary>The next frame or comment, or a <see cref="TimeoutException"/> after <paramref name="timeout"/>.</summary>
    /// <remarks>
    /// The body is read by one pump into a channel: cancelling a read of the in-memory server's body aborts the whole
    /// response, so a wait that times out must not touch the body.
    /// </remarks>
    public async Task<SseFrame> NextAsync(TimeSpan timeout)
    {
        pump ??= Task.Run(PumpAsync);
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            return await frames.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            throw new TimeoutException($"No event within {timeout.TotalSeconds:0.#} s.");
        }
        catch (ChannelClosedException)
        {
            throw new EndOfStreamException("The event stream ended.");
        }
    }

    private async Task PumpAsync()
    {
        string? id = null, name = null, comment = null;
        var data = new List<string>();
        try
        {
            while (await reader.ReadLineAsync() is { } line)
            {
                if (line.Length == 0)
                {
                    if (data.Count > 0 || comment is not null)
                    {
                        await frames.Writer.WriteAsync(new SseFrame(id, name, string.Join('\n', data), comment));
                    }

                    (id, name, comment) = (null, null, null);
                    data.Clear();
                    continue; // also a field-less block, such as "retry:"
                }

                var colon = line.IndexOf(':', StringComparison.Ordinal);
                var (field, value) = colon < 0 ? (line, "") : (line[..colon], line[(colon + 1)..].TrimStart(' '));
                switch (field)
                {
                    case "": comment = value; break;
                    case "id": id = value; break;
                    case "event": name = value; break;
                    case "data": data.Add(value); break;
                    default: break;
                }
            }

            frames.Writer.TryComplete();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or HttpRequestException)
        {
            frames.Writer.TryComplete(ex);
        }
    }

    /// <summary>Reads frames (not comments) until one matches; every frame read on the way is returned too.</summary>
    public async Task<List<SseFrame>> UntilAsync(Func<SseFrame, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        var seen = new List<SseFrame>();
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            SseFrame frame;
            try
            {
                frame = await NextAsync(left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1));
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0} s waiting for {what}; saw {seen.Count} frames: " +
                                           string.Join(" | ", seen.Select(f => $"{f.Event} {f.Data}")));
            }

            if (frame.Comment is not null)
            {
                continue;
            }

            seen.Add(frame);
            if (done(frame))
            {
                return seen;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        response.Dispose(); // ends the body: the pump's read returns
        if (pump is not null)
        {
            await pump.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        reader.Dispose();
    }
}
