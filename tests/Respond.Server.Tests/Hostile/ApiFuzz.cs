using System.Text;
using System.Text.Json.Nodes;
using Respond.Server.Tests.Infrastructure;

namespace Respond.Server.Tests.Hostile;

/// <summary>Generated calls to every API route, as every kind of caller, with hostile ids, queries and bodies.</summary>
public sealed class ApiFuzz(Random random, IReadOnlyList<Guid> incidents)
{
    private sealed record Route(string Method, string Template, string[] Query, Func<Random, JsonNode?>? Body = null);

    private static readonly Route[] Routes =
    [
        new("GET", "/api/incidents", ["status", "severity", "assignee", "source", "q", "sort", "page", "pageSize"]),
        new("GET", "/api/incidents/{id}", ["asOf", "version"]),
        new("GET", "/api/incidents/{id}/timeline", []),
        new("POST", "/api/incidents", [], r => Obj(r, "title", "severity", "description")),
        new("POST", "/api/incidents/{id}/acknowledge", [], _ => new JsonObject()),
        new("POST", "/api/incidents/{id}/assign", [], r => Obj(r, "assignee")),
        new("POST", "/api/incidents/{id}/severity", [], r => Obj(r, "severity", "reason")),
        new("POST", "/api/incidents/{id}/comments", [], r => Obj(r, "text")),
        new("POST", "/api/incidents/{id}/observables", [], r => Obj(r, "type", "value")),
        new("POST", "/api/incidents/{id}/contain", [], r => Obj(r, "summary")),
        new("POST", "/api/incidents/{id}/recover", [], r => Obj(r, "summary")),
        new("POST", "/api/incidents/{id}/close", [], r => Obj(r, "classification", "reason")),
        new("POST", "/api/incidents/{id}/reopen", [], r => Obj(r, "reason")),
        new("POST", "/api/incidents/{id}/runs", [], r => Obj(r, "playbookId")),
        new("GET", "/api/approvals", ["status", "page", "pageSize"]),
        new("POST", "/api/approvals/{id}/approve", [], r => Obj(r, "comment")),
        new("POST", "/api/approvals/{id}/reject", [], r => Obj(r, "comment")),
        new("GET", "/api/playbooks", ["page", "pageSize"]),
        new("GET", "/api/playbooks/schema", []),
        new("GET", "/api/playbooks/{name}", []),
        new("GET", "/api/playbooks/{name}/versions", ["page", "pageSize"]),
        new("GET", "/api/playbooks/{name}/versions/{n}", []),
        new("PUT", "/api/playbooks/{name}", [], Playbook),
        new("POST", "/api/playbooks/{name}/publish", []),
        new("POST", "/api/playbooks/validate", [], Playbook),
        new("GET", "/api/runs", ["incidentId", "playbookId", "status", "page", "pageSize"]),
        new("GET", "/api/runs/{id}", []),
        new("POST", "/api/runs/{id}/cancel", []),
        new("POST", "/api/runs/{id}/retry", []),
        new("GET", "/api/connectors", []),
        new("GET", "/api/runbooks", []),
        new("GET", "/api/runbooks/{name}/runs", ["page", "pageSize"]),
        new("POST", "/api/runbooks/{name}/trigger", []),
        new("GET", "/api/sources", []),
        new("POST", "/api/sources", [], SourceBody),
        new("POST", "/api/sources/{name}/rotate", []),
        new("DELETE", "/api/sources/{name}", []),
        new("POST", "/api/sources/{name}/test", []),
        new("GET", "/api/metrics/soc", ["from", "to"]),
        new("GET", "/api/metrics/soc/trend", ["from", "to", "interval"]),
        new("GET", "/api/session", []),
        new("GET", "/api/events", ["lastEventId"]),
        new("POST", "/api/session", [], r => Obj(r, "apiKey")),
        new("DELETE", "/api/session", []),
        new("GET", "/api/session/providers", []),
        new("GET", "/api/session/oidc", ["returnUrl"]),
        new("GET", "/api/nowhere", ["x"]),
        new("DELETE", "/api/incidents", []),
        new("PATCH", "/api/incidents/{id}", [], r => Obj(r, "title")),
        new("GET", "/health/ready", []),
        new("GET", "/openapi/v1.json", []),
        new("GET", "/incidents/{id}", ["q"]),
        new("GET", "/sign-in", ["returnUrl"]),
    ];

    private static readonly string[] Callers = ["admin", "admin", "admin", "responder", "author", "approver", "viewer", "norole"];

    private static readonly string[] Names = ["fuzz-book", "fuzz-book", "Fuzz Book", "a", "%2e%2e", "x%0Ay", "..", new string('n', 300)];

    public FuzzRequest Next()
    {
        var route = HostileValues.Pick(random, Routes);
        var path = route.Template
            .Replace("{id}", Id(), StringComparison.Ordinal)
            .Replace("{name}", HostileValues.Pick(random, Names), StringComparison.Ordinal)
            .Replace("{n}", HostileValues.Pick(random, ["1", "0", "-1", "2147483647", "99999999999", "x"]), StringComparison.Ordinal);
        var query = route.Query.Where(_ => random.Next(3) == 0)
            .Select(name => $"{name}={HostileValues.Pick(random, HostileValues.Query)}").ToList();
        if (query.Count > 0)
        {
            path += "?" + string.Join("&", query);
        }

        var request = new FuzzRequest($"api:{route.Method} {route.Template}", route.Method, path);
        if (route.Body is { } body)
        {
            var text = Encoding.UTF8.GetBytes(HostileValues.Text(body(random)));
            request = request with
            {
                Body = random.Next(6) == 0 ? HostileValues.BrokenBody(random, text) : text,
                ContentType = random.Next(10) == 0
                    ? HostileValues.Pick(random, ["text/plain", "application/xml", "", "application/json; charset=utf-16"]) : "application/json",
            };
        }

        var caller = random.Next(12) == 0 ? null : HostileValues.Pick(random, Callers);
        if (caller is not null)
        {
            request.With("Authorization", $"Bearer {TestUsers.Keys[caller]}");
        }
        else if (random.Next(2) == 0)
        {
            request.With("Authorization", $"Bearer wrong-key-{random.Next(100)}");
        }

        if (random.Next(6) == 0)
        {
            Headers.Abuse(random, request);
        }

        return request;
    }

    private string Id() => random.Next(10) switch
    {
        < 6 when incidents.Count > 0 => incidents[random.Next(incidents.Count)].ToString(),
        < 8 => Guid.NewGuid().ToString(),
        8 => HostileValues.Pick(random, ["0", "%0A", "..", "not-a-guid", "{" + Guid.Empty + "}", new string('9', 500)]),
        _ => Guid.Empty.ToString(),
    };

    private static JsonObject Obj(Random random, params string[] fields)
    {
        var o = new JsonObject();
        foreach (var field in fields)
        {
            if (random.Next(5) != 0)
            {
                o[field] = random.Next(3) == 0 ? HostileValues.Json(random) : JsonValue.Create(HostileValues.Pick(random, HostileValues.Strings));
            }
        }

        if (random.Next(8) == 0)
        {
            o[HostileValues.Pick(random, ["__proto__", "$type", "id", "version", ""])] = HostileValues.Json(random);
        }

        return o;
    }

    /// <summary>A source to add: fuzz names, real and made-up kinds and auths, a mapping that may be valid.</summary>
    private static JsonNode SourceBody(Random random)
    {
        var o = Obj(random, "name", "kind", "auth", "mapping");
        if (random.Next(2) == 0)
        {
            o["name"] = HostileValues.Pick(random, Names).ToLowerInvariant();
            o["kind"] = HostileValues.Pick(random, ["generic", "grafana", "alertmanager", "defender", "azure-monitor", "splunk"]);
            o["auth"] = HostileValues.Pick(random, ["token", "signature", "password"]);
            o["mapping"] = random.Next(2) == 0
                ? new JsonObject { ["title"] = "$.title", ["fingerprint"] = HostileValues.Pick(random, ["$.id", "$[?(", "", "$..x"]) }
                : Obj(random, "title", "fingerprint", "entities");
        }

        return o;
    }

    /// <summary>A small playbook with hostile durations, expressions, ids and step shapes.</summary>
    private static JsonNode Playbook(Random random)
    {
        string V(params string[] values) => values[random.Next(values.Length)];
        var steps = new JsonArray
        {
            new JsonObject
            {
                ["id"] = V("check", "", "a b", "x\u0000"),
                ["type"] = V("condition", "delay", "set", "incident", "approval", "action", "playbook", "nope"),
                ["if"] = V("incident.severity == 'high'", "while(true){}", "(function f(){f()})()", "'x'.repeat(1e9)", "{{", "1+"),
                ["duration"] = V("PT1S", "P9000Y", "PT-1S", "garbage", "P1Y2M", "PT0S"),
                ["timeout"] = V("PT30M", "P9999Y", "-PT1S", "x"),
                ["retry"] = new JsonObject { ["maxAttempts"] = random.Next(-5, 1_000_000), ["delay"] = V("PT1S", "P9000Y") },
                ["status"] = V("contained", "closed", "bogus"),
                ["approvers"] = new JsonObject { ["roles"] = new JsonArray(V("approver", "", "admin")) },
                ["playbook"] = V("fuzz-book", "nope"),
                ["next"] = V("done", "check", "nowhere"),
            },
            new JsonObject { ["id"] = "done", ["type"] = "end" },
        };
        return new JsonObject
        {
            ["id"] = V("fuzz-book", "other", ""),
            ["name"] = HostileValues.Pick(random, HostileValues.Strings),
            ["trigger"] = new JsonObject
            {
                ["on"] = V("manual", "manual", "incident.opened", "schedule", "nope"),
                ["when"] = V("true", "alerts.length > 0", "while(true){}", "x.y.z"),
                ["cron"] = V("0 2 * * *", "* * * * * * *", "garbage"),
            },
            ["vars"] = HostileValues.Json(random),
            ["steps"] = random.Next(10) == 0 ? HostileValues.Json(random) : steps,
        };
    }
}
