using System.Text;
using System.Text.Json.Nodes;
using Respond.Server.Alerts;
using Respond.Server.Tests.Infrastructure;

namespace Respond.Server.Tests.Hostile;

/// <summary>Generated deliveries to every webhook kind: damaged samples, bad credentials, odd content types, path tricks.</summary>
public sealed class WebhookFuzz(Random random)
{
    private static readonly string[] Kinds = ["azure-monitor", "defender", "alertmanager", "grafana", "generic"];

    private static readonly Dictionary<string, string[]> SampleFiles = Kinds.ToDictionary(kind => kind, kind =>
        Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Samples", kind), "*.json").Select(File.ReadAllText).ToArray());

    private static readonly string[] IdFields = ["id", "fingerprint", "SystemAlertId", "alertId", "groupKey", "startsAt"];

    private static readonly string[] ContentTypes =
    [
        "application/json", "application/json; charset=utf-8", "text/plain", "application/x-www-form-urlencoded",
        "application/json; charset=utf-16", "application/jsonx", "*/*", "multipart/form-data; boundary=x", "application/problem+json",
    ];

    private static readonly string[] SourceTricks =
    [
        // A NUL in the path is refused by Kestrel before the app, closing the connection mid-upload: the raw requests try it.
        "nope", "GENERIC", "generic%2F..", "%2e%2e", "generic%20", "%252e%252e", new string('s', 3000), "gen%0Aeric",
    ];

    public FuzzRequest Next()
    {
        var kind = HostileValues.Pick(random, Kinds);
        var source = random.Next(20) == 0 ? HostileValues.Pick(random, SourceTricks) : kind;
        var body = Body(kind);
        var request = new FuzzRequest($"webhook:{kind}", "POST", $"/api/webhooks/{source}")
        {
            ContentType = random.Next(8) == 0 ? HostileValues.Pick(random, ContentTypes) : "application/json",
            Body = body,
        };
        request = Credentials(request, body);
        if (random.Next(10) == 0)
        {
            Headers.Abuse(random, request);
        }

        return request;
    }

    private byte[] Body(string kind)
    {
        var sample = HostileValues.Pick(random, SampleFiles[kind]);
        return random.Next(10) switch
        {
            < 5 => Encoding.UTF8.GetBytes(HostileValues.Text(Mutated(sample))),
            < 8 => HostileValues.BrokenBody(random, Encoding.UTF8.GetBytes(sample)),
            8 => Encoding.UTF8.GetBytes(HostileValues.Text(Unique(JsonNode.Parse(sample)!))), // clean but new
            _ => random.Next(4) == 0 ? HostileValues.OverCap() : Encoding.UTF8.GetBytes(sample),
        };
    }

    /// <summary>A real sample with a few values swapped for hostile ones; half of them made new so they reach storage.</summary>
    private JsonNode Mutated(string sample)
    {
        var root = JsonNode.Parse(sample)!;
        var places = Places(root);
        for (var i = random.Next(1, 4); i > 0; i--)
        {
            var (parent, key) = HostileValues.Pick(random, places);
            var value = random.Next(2) == 0 ? JsonValue.Create(HostileValues.Pick(random, HostileValues.Strings)) : HostileValues.Json(random);
            if (parent is JsonObject o)
            {
                o[(string)key] = value;
            }
            else
            {
                ((JsonArray)parent)[(int)key] = value;
            }

            places = Places(root);
        }

        return random.Next(2) == 0 ? Unique(root) : root;
    }

    private JsonNode Unique(JsonNode root)
    {
        var suffix = "-" + random.Next().ToString("x", System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (parent, key) in Places(root))
        {
            if (parent is JsonObject o && key is string name && IdFields.Contains(name) && o[name] is JsonValue v
                && v.TryGetValue<string>(out var text))
            {
                o[name] = name == "startsAt" ? DateTimeOffset.UtcNow.AddSeconds(-random.Next(100_000)).ToString("O") : text + suffix;
            }
        }

        return root;
    }

    private FuzzRequest Credentials(FuzzRequest request, byte[] body)
    {
        var now = DateTimeOffset.UtcNow;
        switch (random.Next(14))
        {
            case < 7:
                request.With("Authorization", $"Bearer {TestUsers.SourceToken}");
                break;
            case 7:
                return request with { PathAndQuery = request.PathAndQuery + $"?code={TestUsers.SourceToken}" };
            case 8:
                request.With(SourceAuthenticator.SignatureHeader, SourceAuthenticator.Sign(TestUsers.SigningSecret, body, now));
                break;
            case 9:
                request.With(SourceAuthenticator.SignatureHeader, SourceAuthenticator.Sign(TestUsers.SigningSecret, body, now.AddMinutes(-6)));
                break;
            case 10:
                request.With(SourceAuthenticator.SignatureHeader, SourceAuthenticator.Sign("forged-secret", body, now));
                break;
            case 11:
                request.With(SourceAuthenticator.SignatureHeader, HostileValues.Pick(random, BrokenSignatures));
                break;
            case 12:
                request.With("Authorization", HostileValues.Pick(random, BrokenAuthorizations));
                break;
            default:
                break; // no credentials at all
        }

        return request;
    }

    private static readonly string[] BrokenSignatures =
    [
        "t=,v1=", "t=abc,v1=zz", "t=99999999999999999999,v1=00", "t=-1,v1=" + new string('0', 64), "v1=" + new string('f', 64),
        "t=1," + string.Join(",", Enumerable.Repeat("v1=" + new string('a', 64), 200)), new string(',', 5000), "t=1,v1=" + new string('g', 64),
    ];

    private static readonly string[] BrokenAuthorizations =
    [
        "Bearer", "Bearer ", "Bearer wrong", "Basic Zm9vOmJhcg==", "bearer " + TestUsers.SourceToken + "x", "Bearer " + new string('k', 6000),
        "Bearer " + TestUsers.AdminKey, "Token " + TestUsers.SourceToken,
    ];

    internal static List<(JsonNode Parent, object Key)> Places(JsonNode node)
    {
        var places = new List<(JsonNode, object)>();
        if (node is JsonObject o)
        {
            foreach (var (name, value) in o.ToList())
            {
                places.Add((o, name));
                if (value is not null)
                {
                    places.AddRange(Places(value));
                }
            }
        }
        else if (node is JsonArray a)
        {
            for (var i = 0; i < a.Count; i++)
            {
                places.Add((a, i));
                if (a[i] is { } item)
                {
                    places.AddRange(Places(item));
                }
            }
        }

        return places;
    }
}
