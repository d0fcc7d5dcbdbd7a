using System.Text.Json;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using Respond.Domain.Alerts;

namespace Respond.Domain.Tests.Alerts;

/// <summary>
/// Property: whatever JSON arrives, every parser answers alerts or throws <see cref="AlertFormatException"/>
/// (a 400). Bodies are generated from the formats' own field names, and real samples with random subtrees
/// swapped for generated ones, with hostile strings (NUL, lone surrogates, huge numbers, odd dates).
/// </summary>
public class ParserPropertyTests
{
    private const int Cases = 400;

    private static readonly string[] FieldNames =
    [
        "schemaId", "data", "essentials", "alertContext", "alertId", "alertRule", "severity", "monitorCondition",
        "alertTargetIDs", "configurationItems", "firedDateTime", "resolvedDateTime", "description", "signalType",
        "SystemAlertId", "AlertDisplayName", "AlertType", "Severity", "CompromisedEntity", "Entities", "StartTimeUtc",
        "EndTimeUtc", "Status", "ExtendedProperties", "ResourceIdentifiers", "properties", "$id", "$ref", "Type",
        "HostName", "Address", "Name", "version", "groupKey", "status", "alerts", "labels", "annotations", "fingerprint",
        "startsAt", "endsAt", "alertname", "instance", "title", "id", "category", "entities", "ip", "host", "account",
    ];

    private static readonly string[] HostileStrings =
    [
        "", " ", "\0", "a\0b", HighSurrogate, "x" + LowSurrogate + "y", "\ud83d\ude00", "Sev0", "Sev9", "critical", "Resolved", "resolved",
        "firing", "azureMonitorCommonAlertSchema", "2024-05-01T10:00:00Z", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z",
        "-99999-01-01", "10.0.0.1", "::1", "[::1", "999.1.1.1", "/subscriptions/x", "{\"a\":[", "[{\"$id\":\"1\"}]",
        new string('x', 5000), "\u202e", "%00", "../../etc/passwd",
    ];

    // The JSON writer replaces unpaired surrogates, so they are spliced into the text afterwards, as a sender would.
    private const string HighSurrogate = "@high-surrogate@";
    private const string LowSurrogate = "@low-surrogate@";

    private static readonly string[] SampleFiles =
    [
        "azure-monitor/metric-fired.json", "azure-monitor/log-alert-v2-fired.json", "defender/security-alert-bruteforce.json",
        "defender/security-alert-sentinel-row.json", "alertmanager/firing-two-alerts.json", "grafana/firing.json",
        "generic/custom.json",
    ];

    [Fact]
    public void Generated_json_only_ever_fails_as_a_format_error() =>
        Check(Node(4).Select(node => Text(node)));

    [Fact]
    public void Samples_with_random_subtrees_swapped_only_ever_fail_as_a_format_error() =>
        Check(from file in Gen.Elements(SampleFiles)
              from seed in Gen.Choose(0, int.MaxValue)
              from swaps in Gen.ListOf(Node(2), 4)
              select Mutate(file, seed, swaps));

    private static void Check(Gen<string> bodies)
    {
        var property = Prop.ForAll(bodies.ToArbitrary(), body =>
        {
            foreach (var kind in AlertParsers.Kinds)
            {
                var error = Record.Exception(() => Parser(kind).Parse("s", Parse(body)));
                if (error is not null and not AlertFormatException)
                {
                    throw new InvalidOperationException($"{kind} threw {error.GetType().Name} for {Shorten(body)}", error);
                }
            }
        });
        property.Check(Config.QuickThrowOnFailure.WithMaxTest(Cases));
    }

    private static Gen<JsonNode?> Node(int depth)
    {
        var scalar = Gen.OneOf(
            Gen.Constant<JsonNode?>(null),
            Gen.Elements(HostileStrings).Select(s => (JsonNode?)JsonValue.Create(s)),
            Gen.Elements(HostileStrings).Select(s => (JsonNode?)JsonValue.Create(s)),
            ArbMap.Default.GeneratorFor<int>().Select(i => (JsonNode?)JsonValue.Create(i)),
            Gen.Elements(1e308, -1e308, 0.5, double.Epsilon, 4.0).Select(d => (JsonNode?)JsonValue.Create(d)),
            ArbMap.Default.GeneratorFor<bool>().Select(b => (JsonNode?)JsonValue.Create(b)));
        if (depth == 0)
        {
            return scalar;
        }

        var child = Node(depth - 1);
        var array = Gen.ListOf(child).Select(items => (JsonNode?)new JsonArray([.. items.Take(6)]));
        var obj = Gen.ListOf(Gen.Elements(FieldNames).Zip(child)).Select(pairs =>
        {
            var o = new JsonObject();
            foreach (var (name, value) in pairs.Take(8))
            {
                o[name] = value;
            }

            return (JsonNode?)o;
        });
        return Gen.Frequency((3, scalar), (2, array), (3, obj));
    }

    private static string Mutate(string file, int seed, IEnumerable<JsonNode?> swaps)
    {
        var root = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Samples", file)))!;
        var random = new Random(seed);
        foreach (var swap in swaps)
        {
            var places = Places(root);
            var (parent, key) = places[random.Next(places.Count)];
            if (parent is JsonObject o)
            {
                o[(string)key] = swap;
            }
            else
            {
                ((JsonArray)parent)[(int)key] = swap;
            }
        }

        return Text(root);
    }

    private static string Text(JsonNode? node) =>
        (node?.ToJsonString() ?? "null").Replace(HighSurrogate, "\\ud800", StringComparison.Ordinal)
            .Replace(LowSurrogate, "\\udc00", StringComparison.Ordinal);

    private static List<(JsonNode Parent, object Key)> Places(JsonNode node)
    {
        var places = new List<(JsonNode, object)>();
        switch (node)
        {
            case JsonObject o:
                foreach (var (name, value) in o)
                {
                    places.Add((o, name));
                    if (value is not null)
                    {
                        places.AddRange(Places(value));
                    }
                }

                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    places.Add((a, i));
                    if (a[i] is { } item)
                    {
                        places.AddRange(Places(item));
                    }
                }

                break;
        }

        return places;
    }

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 64 });
        return document.RootElement.Clone();
    }

    private static IAlertParser Parser(string kind) =>
        AlertParsers.Create(kind, kind == "generic" ? GenericParserTests.Mapping : null);

    private static string Shorten(string body) => body.Length <= 400 ? body : body[..400] + "…";
}
