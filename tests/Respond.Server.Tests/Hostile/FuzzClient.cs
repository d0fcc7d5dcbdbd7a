using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;

namespace Respond.Server.Tests.Hostile;

/// <summary>What came back: a status (0 when the connection dropped), the content type, and the body.</summary>
public sealed record FuzzAnswer(int Status, string? ContentType, string Body, string? Failure = null);

/// <summary>Sends generated requests over real sockets: HttpClient for well-formed ones, a raw TCP write for the rest.</summary>
public sealed class FuzzClient(Uri baseAddress) : IDisposable
{
    private readonly HttpClient http = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromSeconds(60),
    };

    public async Task<FuzzAnswer> SendAsync(FuzzRequest request)
    {
        try
        {
            return request.Raw ? await SendRawAsync(request.Body!) : await SendHttpAsync(request);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or SocketException or TaskCanceledException)
        {
            return new FuzzAnswer(0, null, "", $"{ex.GetType().Name}: {ex.Message}");
        }
    }

    private async Task<FuzzAnswer> SendHttpAsync(FuzzRequest request)
    {
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(request.PathAndQuery, UriKind.Relative));
        if (request.Body is { } body)
        {
            message.Content = new ByteArrayContent(body);
            message.Content.Headers.ContentType = null;
            if (!string.IsNullOrEmpty(request.ContentType))
            {
                message.Content.Headers.TryAddWithoutValidation("Content-Type", request.ContentType);
            }
        }

        foreach (var (name, value) in request.Headers)
        {
            if (!message.Headers.TryAddWithoutValidation(name, value))
            {
                message.Content ??= new ByteArrayContent([]);
                message.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        // Headers first: a live event stream (/api/events) never ends, so its answer is its status and headers alone.
        using var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead);
        var type = MediaType(response.Content.Headers.ContentType);
        if (type == "text/event-stream")
        {
            return new FuzzAnswer((int)response.StatusCode, type, "");
        }

        using var timeout = new CancellationTokenSource(http.Timeout);
        var text = await response.Content.ReadAsStringAsync(timeout.Token);
        return new FuzzAnswer((int)response.StatusCode, type, text);
    }

    private async Task<FuzzAnswer> SendRawAsync(byte[] bytes)
    {
        using var socket = new TcpClient();
        await socket.ConnectAsync(baseAddress.Host, baseAddress.Port);
        var stream = socket.GetStream();
        stream.ReadTimeout = 30_000;
        await stream.WriteAsync(bytes);
        // No half-close: Kestrel takes a client's FIN as an aborted request. "Connection: close" ends the answer.
        using var reader = new MemoryStream();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await stream.CopyToAsync(reader, timeout.Token);
        var text = Encoding.Latin1.GetString(reader.ToArray());
        var parts = text.Split(' ', 3);
        if (parts.Length < 2 || !parts[0].StartsWith("HTTP/", StringComparison.Ordinal) || !int.TryParse(parts[1], out var status))
        {
            return new FuzzAnswer(0, null, text, "no HTTP status line before the connection closed");
        }

        var contentType = text.Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Type:", StringComparison.OrdinalIgnoreCase))?[13..].Trim();
        return new FuzzAnswer(status, contentType?.Split(';')[0], text);
    }

    private static string? MediaType(MediaTypeHeaderValue? type) => type?.MediaType;

    public void Dispose() => http.Dispose();
}
