using System.Text;
using System.Text.Json.Nodes;

namespace Respond.Server.Tests.Hostile;

/// <summary>The values an attacker or a broken sender puts where a field, a query or a body should be.</summary>
public static class HostileValues
{
    // The JSON writer refuses to emit these, so they are spliced into the text afterwards.
    private const string NulMark = "@nul@";
    private const string HighMark = "@high@";
    private const string LowMark = "@low@";

    public static readonly string[] Strings =
    [
        "", " ", "x", "a" + NulMark + "b", NulMark, HighMark, "x" + LowMark, HighMark + HighMark + LowMark, "\ud83d\ude00", "\u202e",
        "critical", "high", "bogus", "new,acknowledged,nope", "true-positive", "Sev0", "resolved", "PT1S", "P9000Y", "PT-1S",
        "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "not-a-date", "-1", "0", "2147483648", "1e999",
        "'; drop table mt_events; --", "<script>alert(1)</script>", "{{ incident.title }}", "../../../etc/passwd",
        "http://169.254.169.254/", "00000000-0000-0000-0000-000000000000", new string('A', 5000),
    ];

    public static readonly string[] Query =
    [
        "", "-1", "0", "1", "200", "201", "2147483647", "2147483648", "99999999999999999999", "1e9", "abc", "%00", "a%00b",
        "%ZZ", "%ED%A0%80", "%C3%28", "new,acknowledged", "new,,bogus", "high", "CRITICAL", "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59Z", "2026-13-45", "not-a-date", "%27%20OR%201%3D1--", "%3Cscript%3E", "..%2F..",
        new string('q', 3000), "00000000-0000-0000-0000-000000000000", "true",
    ];

    public static JsonNode? Json(Random random, int depth = 2) => random.Next(depth <= 0 ? 4 : 7) switch
    {
        0 => JsonValue.Create(Pick(random, Strings)),
        1 => JsonValue.Create(Pick(random, Strings)),
        2 => random.Next(4) switch
        {
            0 => JsonValue.Create(random.Next(int.MinValue, int.MaxValue)),
            1 => JsonValue.Create(double.MaxValue),
            2 => JsonValue.Create(-0.5),
            _ => JsonValue.Create(long.MaxValue),
        },
        3 => random.Next(3) == 0 ? null : JsonValue.Create(random.Next(2) == 0),
        4 or 5 => new JsonArray([.. Enumerable.Range(0, random.Next(4)).Select(_ => Json(random, depth - 1))]),
        _ => new JsonObject { [Key(random)] = Json(random, depth - 1) },
    };

    /// <summary>The JSON text of a node, with the marks turned into the escapes a writer would refuse to emit.</summary>
    public static string Text(JsonNode? node) =>
        (node?.ToJsonString() ?? "null")
            .Replace(NulMark, "\\u0000", StringComparison.Ordinal)
            .Replace(HighMark, "\\ud800", StringComparison.Ordinal)
            .Replace(LowMark, "\\udc00", StringComparison.Ordinal);

    /// <summary>Whole-body damage that keeps nothing of the JSON's meaning.</summary>
    public static byte[] BrokenBody(Random random, byte[] valid) => random.Next(12) switch
    {
        0 => valid[..random.Next(Math.Max(1, valid.Length))], // truncated
        1 => [0xEF, 0xBB, 0xBF, .. valid], // BOM
        2 => Encoding.UTF8.GetBytes(Nested(random.Next(2) == 0 ? 65 : 20_000)),
        3 => Encoding.UTF8.GetBytes("{\"id\":\"dup\",\"id\":\"dup2\",\"title\":\"t\",\"title\":{}}"),
        4 => Encoding.UTF8.GetBytes("{\"n\":1e400,\"m\":-1e400,\"i\":123456789012345678901234567890,\"title\":1e400,\"id\":-0}"),
        5 => [.. Encoding.UTF8.GetBytes("{\"id\":\"bad-utf8\",\"title\":\""), 0xC3, 0x28, 0xFF, .. Encoding.UTF8.GetBytes("\"}")],
        6 => [.. Encoding.UTF8.GetBytes("{\"id\":\"ctl\",\"title\":\"a"), 0x00, 0x01, .. Encoding.UTF8.GetBytes("b\"}")],
        7 => RandomBytes(random, random.Next(1, 2000)),
        8 => [],
        9 => Encoding.UTF8.GetBytes("{\"id\":\"big\",\"title\":\"" + new string('x', 900_000) + "\"}"),
        10 => Encoding.UTF8.GetBytes("[" + string.Join(",", Enumerable.Repeat("{}", 50_000)) + "]"),
        _ => Encoding.UTF8.GetBytes("null"),
    };

    public static byte[] OverCap() => Encoding.UTF8.GetBytes("{\"id\":\"huge\",\"title\":\"" + new string('y', 1_100_000) + "\"}");

    private static string Key(Random random)
    {
        var key = Pick(random, Strings);
        return key.Length <= 20 ? key : key[..20];
    }

    public static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    private static string Nested(int depth) => new StringBuilder().Insert(0, "[", depth).Append('1').Append(']', depth).ToString();

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
