using System.Text.Json.Nodes;
using Respond.Domain.Playbooks.Expressions;

namespace Respond.Domain.Tests.Playbooks.Expressions;

/// <summary>Scope data shaped like the API's incident and alert JSON.</summary>
internal static class Scopes
{
    /// <summary>One evaluator for the whole test run, as the server has one.</summary>
    public static JintExpressionEvaluator Evaluator { get; } = new();

    public static ExpressionScope Incident(string severity = "high", string category = "BruteForce", int score = 85) => new(
        JsonNode.Parse($$"""
            {
              "id": "inc-1",
              "title": "Brute force on vm-01",
              "severity": "{{severity}}",
              "status": "open",
              "openedAt": "2025-01-02T03:04:05Z",
              "entities": { "ips": ["203.0.113.7", "198.51.100.2"], "hosts": ["vm-01"] },
              "tags": []
            }
            """),
        JsonNode.Parse($$"""
            [
              { "id": "a-1", "category": "{{category}}", "severity": "{{severity}}" },
              { "id": "a-2", "category": "Malware", "severity": "low" }
            ]
            """),
        new JsonObject { ["threshold"] = 70, ["channel"] = "#soc", ["list"] = new JsonArray(1, 2, 3) },
        new JsonObject
        {
            ["lookup"] = new JsonObject
            {
                ["output"] = new JsonObject { ["status"] = 200, ["body"] = new JsonObject { ["score"] = score } },
            },
        });

    public static ExpressionScope Empty() => new(null, new JsonArray(), new JsonObject(), new JsonObject());
}
