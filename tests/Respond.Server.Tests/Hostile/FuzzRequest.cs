using System.Text;

namespace Respond.Server.Tests.Hostile;

/// <summary>
/// One generated request. <see cref="Raw"/> ones are written to the socket byte for byte (paths with dot
/// segments, NULs, broken headers: what HttpClient would normalise or refuse to send).
/// </summary>
public sealed record FuzzRequest(string Label, string Method, string PathAndQuery)
{
    public List<(string Name, string Value)> Headers { get; } = [];
    public string? ContentType { get; init; }
    public byte[]? Body { get; init; }
    public bool Raw { get; init; }

    /// <summary>A webhook delivery that, if accepted, may store alerts (counted against what is stored).</summary>
    public bool IsDelivery => PathAndQuery.StartsWith("/api/webhooks/", StringComparison.Ordinal) && Method == "POST";

    public FuzzRequest With(string name, string value)
    {
        Headers.Add((name, value));
        return this;
    }

    public string Describe()
    {
        var body = Body is null ? "(none)" : Encoding.UTF8.GetString(Body, 0, Math.Min(Body.Length, 300));
        var headers = string.Join("; ", Headers.Select(h => $"{h.Name}: {Shorten(h.Value)}"));
        return $"[{Label}] {Method} {Shorten(PathAndQuery)} raw={Raw} content-type={ContentType} headers={headers} " +
               $"body({Body?.Length ?? 0} bytes)={body}";
    }

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + $"…({text.Length})";
}
