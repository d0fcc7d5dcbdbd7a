namespace Respond.Server.Tests.Hostile;

/// <summary>Abused headers, and requests only a raw socket can send (dot segments, NULs, smuggling shapes).</summary>
public static class Headers
{
    private static readonly (string Name, string Value)[] Abuses =
    [
        ("Accept", "text/html"), ("Accept", "text/plain"), ("Accept", "application/xml"), ("Accept", "image/png;q=1, */*;q=0"),
        ("Accept", new string('a', 4000)), ("If-Match", "\"-1\""), ("If-Match", "99999999999999999999"), ("If-Match", "W/\"1\""),
        ("If-Match", "*"), ("If-Match", "\"1\", \"2\""), ("X-Forwarded-For", "127.0.0.1, ::1, not-an-ip"),
        ("X-Forwarded-Proto", "gopher"), ("X-Forwarded-Host", "evil.example"), ("X-Requested-With", "respond"),
        ("Cookie", ".Respond.Session=forged; other=1"), ("Cookie", new string('c', 6000)), ("X-Padding", new string('p', 40_000)),
        ("Content-Encoding", "gzip"), ("Origin", "https://evil.example"), ("Last-Event-ID", "-1"), ("Range", "bytes=0-1"),
    ];

    public static void Abuse(Random random, FuzzRequest request)
    {
        var (name, value) = HostileValues.Pick(random, Abuses);
        request.With(name, value);
    }

    private static readonly string[] RawRequests =
    [
        "GET /api/incidents/../webhooks/generic HTTP/1.1\r\nHost: x\r\n",
        "POST /api/webhooks/../../health/ready HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}",
        "GET /api/%2e%2e/incidents HTTP/1.1\r\nHost: x\r\n",
        "GET //api//incidents HTTP/1.1\r\nHost: x\r\n",
        "GET /api/incidents?page=1&page=2&pageSize=1&pageSize=200 HTTP/1.1\r\nHost: x\r\n",
        "GET /api/inc\0idents HTTP/1.1\r\nHost: x\r\n",
        "GET /api/incidents%00 HTTP/1.1\r\nHost: x\r\n",
        "GET /" + new string('a', 10_000) + " HTTP/1.1\r\nHost: x\r\n",
        "GET /api/incidents HTTP/1.1\r\nHost: x\r\nX-Bad\0Header: 1\r\n",
        "POST /api/webhooks/generic HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\n{}",
        "POST /api/webhooks/generic HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "POST /api/webhooks/generic HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
        "GET /api/incidents HTTP/1.1\r\n",
        "GET http://evil.example/api/incidents HTTP/1.1\r\nHost: x\r\n",
        "GET /api/incidents HTTP/1.0\r\n",
        "BREW /api/incidents HTTP/1.1\r\nHost: x\r\n",
        "DELETE /api/incidents HTTP/1.1\r\nHost: x\r\n",
        "GET /api/webhooks/generic HTTP/1.1\r\nHost: x\r\n",
        "GET /api/incidents/%E0%A4%A HTTP/1.1\r\nHost: x\r\n",
        "GET /api/incidents HTTP/1.1\r\nHost: x\r\n Folded: header\r\n",
        "GET /api/incidents?q=%ED%A0%80 HTTP/1.1\r\nHost: x\r\n",
        "POST /api/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 16\r\n\r\n{\"apiKey\":\"\\u0000\"}",
    ];

    /// <summary>A raw request; the generator adds credentials for half of them, and a closing header to all.</summary>
    public static FuzzRequest Raw(Random random, string? bearer)
    {
        var text = HostileValues.Pick(random, RawRequests);
        var split = text.IndexOf("\r\n", StringComparison.Ordinal) + 2;
        var auth = bearer is null ? "" : $"Authorization: Bearer {bearer}\r\n";
        var headEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var (head, rest) = headEnd < 0 ? (text, "") : (text[..(headEnd + 2)], text[(headEnd + 2)..]);
        var full = head[..split] + auth + "Connection: close\r\n" + head[split..] + (rest.Length == 0 ? "\r\n" : rest);
        return new FuzzRequest("raw", "RAW", text[..Math.Min(60, text.Length)].Split('\r')[0])
        {
            Raw = true,
            Body = System.Text.Encoding.Latin1.GetBytes(full),
        };
    }
}
