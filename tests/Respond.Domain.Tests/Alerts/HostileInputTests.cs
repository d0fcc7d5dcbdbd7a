using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Respond.Domain.Alerts;
using Respond.Domain.Alerts.Formats;

namespace Respond.Domain.Tests.Alerts;

/// <summary>
/// Whatever arrives, a parser either answers alerts or throws <see cref="AlertFormatException"/>
/// (a 400): never a NullReferenceException, InvalidOperationException or stack overflow (a 500).
/// </summary>
public class HostileInputTests
{
    private static readonly GenericMapping SimpleMapping = new() { Title = "$.title", Fingerprint = "$.id" };

    public static TheoryData<string, string> JunkBodies()
    {
        var bodies = new[]
        {
            "[]",
            "\"string\"",
            "null",
            "42",
            "true",
            "{}",
            """[ { "alerts": [] } ]""",
            """{ "schemaId": null, "data": null, "alerts": null, "SystemAlertId": null, "title": null, "id": null }""",
            """{ "schemaId": [], "data": "x", "alerts": "x", "SystemAlertId": [], "title": [], "id": {} }""",
            """{ "schemaId": "azureMonitorCommonAlertSchema", "data": { "essentials": [] }, "alerts": [ [] ], "SystemAlertId": { "a": 1 } }""",
            """{ "schemaId": "azureMonitorCommonAlertSchema", "data": { "essentials": { "alertId": 1.5e400 } }, "alerts": [ null ] }""",
            """{ "version": { "v": 4 }, "alerts": [ { "labels": [ "alertname" ], "annotations": 7, "fingerprint": null } ] }""",
            """{ "properties": { "systemAlertId": [] , "alertDisplayName": {} }, "alerts": [ 1, 2, 3 ] }""",
            Nested("{\"a\":", "}", 300, "\"x\""),
            Nested("[", "]", 1000, "1"),
            """{ "schemaId": "azureMonitorCommonAlertSchema", "data": { "essentials": { "alertId": """ + Nested("{\"a\":", "}", 200, "1") + " } } }",
            "{ \"junk\": \"" + new string('x', 1_000_000) + "\" }",
        };

        var data = new TheoryData<string, string>();
        foreach (var kind in AlertParsers.Kinds)
        {
            foreach (var body in bodies)
            {
                data.Add(kind, body);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(JunkBodies))]
    public void Junk_is_refused_with_an_alert_format_exception_and_nothing_else(string kind, string json)
    {
        var body = Samples.Json(json);

        var error = Record.Exception(() => Parser(kind).Parse("s", body));

        Assert.IsType<AlertFormatException>(error);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }

    [Theory]
    [InlineData("""{ "id": "u1", "title": "a\ud800b" }""")]
    [InlineData("""{ "id": "u2", "title": "a\udc00" }""")]
    [InlineData("""{ "id": "u3", "title": "ok", "labels": { "k\ud800": "v" } }""")]
    [InlineData("""{ "id": "u4", "title": "\ud800\ud800\udc00" }""")]
    public void An_unpaired_surrogate_escape_is_a_format_error(string json)
    {
        var error = Record.Exception(() => Parser("generic").Parse("s", Samples.Json(json)));

        // Either read past (the field was not needed) or refused as a format error: never InvalidOperationException.
        if (error is not null)
        {
            Assert.IsType<AlertFormatException>(error);
        }
    }

    [Fact]
    public void Bytes_that_are_not_utf8_are_a_format_error()
    {
        byte[] json = [.. "{ \"id\": \"b1\", \"title\": \""u8, 0xC3, 0x28, .. "\" }"u8];
        using var document = JsonDocument.Parse(json);

        var error = Record.Exception(() => Parser("generic").Parse("s", document.RootElement));

        Assert.IsType<AlertFormatException>(error);
    }

    [Theory]
    [InlineData("""{ "id": "p1", "title": "smile \ud83d\ude00" }""", "smile \U0001F600")]
    [InlineData("""{ "id": "p2", "title": "not an escape \\ud800" }""", "not an escape \\ud800")]
    public void A_surrogate_pair_and_an_escaped_backslash_are_plain_text(string json, string title)
    {
        var alert = Assert.Single(Parser("generic").Parse("s", Samples.Json(json)));

        Assert.Equal(title, alert.Title);
    }

    public static TheoryData<string, string> ConfusedButUsableBodies() => new()
    {
        {
            "azure-monitor", """
            { "schemaId": "azureMonitorCommonAlertSchema",
              "data": { "essentials": { "alertId": "a", "alertRule": "r", "severity": 3, "monitorCondition": [],
                                         "alertTargetIDs": { "a": 1 }, "configurationItems": [ null, 1, {}, "h" ],
                                         "firedDateTime": 17, "resolvedDateTime": "garbage", "description": {}, "signalType": null },
                        "alertContext": { "condition": { "allOf": [ null, { "dimensions": "x" },
                                                                    { "dimensions": [ null, { "name": 1, "value": [] } ] } ] } },
                        "customProperties": [ 1 ] } }
            """
        },
        {
            "defender", """
            { "SystemAlertId": 12345, "AlertDisplayName": "t", "Severity": [], "Status": {}, "Entities": { "x": 1 },
              "ExtendedProperties": "[1,2", "StartTimeUtc": true, "CompromisedEntity": 5, "ResourceIdentifiers": "x" }
            """
        },
        {
            "defender", """
            { "SystemAlertId": "id", "AlertDisplayName": "t", "Entities": "not json at all", "ExtendedProperties": "{\"a\": [}" }
            """
        },
        {
            "alertmanager", """
            { "version": 4, "groupKey": 5, "groupLabels": [], "status": [],
              "alerts": [ { "labels": { "alertname": "A", "n": 1, "o": {}, "a": [], "instance": ":::::" },
                            "annotations": "x", "startsAt": 5, "endsAt": {}, "status": [] } ] }
            """
        },
        {
            "grafana", """
            { "version": [], "title": {}, "orgId": "x", "values": 3,
              "alerts": [ { "labels": { "alertname": "A", "ip": "999.1.1.1", "instance": "[::1" }, "fingerprint": 77,
                            "values": "x", "valueString": {}, "startsAt": "9999-99-99" } ] }
            """
        },
        { "generic", """{ "title": 3.25, "id": true }""" },
    };

    [Theory]
    [MemberData(nameof(ConfusedButUsableBodies))]
    public void Wrong_types_in_optional_fields_are_ignored(string kind, string json)
    {
        var alerts = Parser(kind).Parse("s", Samples.Json(json));

        Assert.NotEmpty(alerts);
        Assert.All(alerts, a => Assert.False(string.IsNullOrEmpty(a.DedupKey)));
    }

    public static TheoryData<string, string> SampleFiles() => new()
    {
        { "azure-monitor", "metric-fired.json" },
        { "azure-monitor", "metric-resolved.json" },
        { "azure-monitor", "log-alert-v2-fired.json" },
        { "defender", "security-alert-bruteforce.json" },
        { "defender", "security-alert-resolved.json" },
        { "defender", "security-alert-sentinel-row.json" },
        { "alertmanager", "firing-two-alerts.json" },
        { "alertmanager", "resolved.json" },
        { "grafana", "firing.json" },
        { "grafana", "resolved.json" },
        { "generic", "custom.json" },
    };

    /// <summary>
    /// Replaces every value of a real sample, one at a time, with a value of every other JSON type:
    /// each mutation must parse or be refused as a format error.
    /// </summary>
    [Theory]
    [MemberData(nameof(SampleFiles))]
    public void Every_field_of_every_sample_may_have_the_wrong_type(string kind, string file)
    {
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Samples", kind, file));
        var parser = Parser(kind, GenericParserTests.Mapping);
        var replacements = new Func<JsonNode?>[]
        {
            () => null, () => new JsonArray(), () => new JsonObject(), () => JsonValue.Create(0),
            () => JsonValue.Create(""), () => JsonValue.Create("x"), () => JsonValue.Create(true),
            () => new JsonArray(JsonValue.Create(1), null, new JsonObject { ["$ref"] = "1" }),
        };

        var pathCount = Paths(JsonNode.Parse(text)!).Count;
        Assert.True(pathCount > 10);
        for (var i = 0; i < pathCount; i++)
        {
            foreach (var replacement in replacements)
            {
                var root = JsonNode.Parse(text)!;
                Replace(Paths(root)[i], replacement());
                var body = Samples.Json(root.ToJsonString());

                var error = Record.Exception(() => parser.Parse("s", body));

                if (error is not null)
                {
                    Assert.IsType<AlertFormatException>(error);
                }
            }
        }
    }

    private static IAlertParser Parser(string kind, GenericMapping? mapping = null) =>
        AlertParsers.Create(kind, kind == "generic" ? mapping ?? SimpleMapping : null);

    private static string Nested(string open, string close, int depth, string inner)
    {
        var builder = new StringBuilder();
        builder.Insert(0, open, depth).Append(inner);
        for (var i = 0; i < depth; i++)
        {
            builder.Append(close);
        }

        return builder.ToString();
    }

    /// <summary>Every node below the root, parents before children, as (parent, key or index).</summary>
    private static List<(JsonNode Parent, object Key)> Paths(JsonNode root)
    {
        var result = new List<(JsonNode, object)>();
        void Walk(JsonNode node)
        {
            if (node is JsonObject obj)
            {
                foreach (var (name, child) in obj.ToList())
                {
                    result.Add((obj, name));
                    if (child is not null)
                    {
                        Walk(child);
                    }
                }
            }
            else if (node is JsonArray array)
            {
                for (var i = 0; i < array.Count; i++)
                {
                    result.Add((array, i));
                    if (array[i] is { } child)
                    {
                        Walk(child);
                    }
                }
            }
        }

        Walk(root);
        return result;
    }

    private static void Replace((JsonNode Parent, object Key) path, JsonNode? value)
    {
        if (path.Parent is JsonObject obj)
        {
            obj[(string)path.Key] = value;
        }
        else
        {
            ((JsonArray)path.Parent)[(int)path.Key] = value;
        }
    }
}
