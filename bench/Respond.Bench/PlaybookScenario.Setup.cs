namespace Respond.Bench;

/// <summary>What the server under test is given: its settings and the two playbook files.</summary>
internal static partial class PlaybookScenario
{
    /// <summary>The settings of SPEC §1 the scenario needs, as environment variables (<c>__</c> for <c>:</c>).</summary>
    private static Dictionary<string, string> ServerSettings(Uri target, string playbooksFolder, string logLevel)
    {
        var baseUrl = target.ToString().TrimEnd('/');
        // Title, Severity and Fingerprint ($.title, $.severity, $.id) are ServerUnderTest's own mapping.
        const string source = "Respond__Sources__" + ServerUnderTest.SourceName + "__";
        return new Dictionary<string, string>
        {
            [source + "Mapping__Title"] = "$.title",
            [source + "Mapping__Severity"] = "$.severity",
            [source + "Mapping__Fingerprint"] = "$.id",
            [source + "Mapping__Category"] = "$.category",
            [source + "Mapping__Entities__Ips"] = "$.entities[*].ip",
            ["Respond__Connectors__firewall__Kind"] = "firewall",
            ["Respond__Connectors__firewall__BaseUrl"] = baseUrl,
            ["Respond__Connectors__firewall__Token"] = FirewallTarget.Token,
            ["Respond__Connectors__notify__Kind"] = "http",
            ["Respond__Connectors__notify__BaseUrl"] = baseUrl,
            // The targets run in this process on loopback, which connectors refuse unless their configuration allows it.
            ["Respond__Connectors__firewall__AllowedNetworks__0"] = "127.0.0.0/8",
            ["Respond__Connectors__notify__AllowedNetworks__0"] = "127.0.0.0/8",
            ["Respond__Playbooks__Path"] = playbooksFolder,
            ["Logging__LogLevel__Default"] = logLevel,
        };
    }

    private static void WritePlaybooks(string folder)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, FirstActionPlaybook + ".json"), $$$"""
            {
              "id": "{{{FirstActionPlaybook}}}",
              "name": "Bench: block the address (first action)",
              "description": "Written by bench/Respond.Bench: the latency from an alert to its first action.",
              "trigger": { "on": "incident.opened", "when": "alerts.some(a => a.category == '{{{LatencyCategory}}}')" },
              "steps": [
                { "id": "has-ip", "type": "condition", "if": "incident.entities.ips.length > 0", "next": { "true": "block" } },
                { "id": "block", "type": "action", "connector": "firewall", "operation": "block-ip",
                  "input": { "ip": "{{ incident.entities.ips[0] }}" } }
              ]
            }

            """);
        File.WriteAllText(Path.Combine(folder, ThreeStepsPlaybook + ".json"), $$$"""
            {
              "id": "{{{ThreeStepsPlaybook}}}",
              "name": "Bench: block and notify (three steps)",
              "description": "Written by bench/Respond.Bench: the engine's throughput in runs and steps per second.",
              "trigger": { "on": "incident.opened", "when": "alerts.some(a => a.category == '{{{ThroughputCategory}}}')" },
              "steps": [
                { "id": "has-ip", "type": "condition", "if": "incident.entities.ips.length > 0", "next": { "true": "block" } },
                { "id": "block", "type": "action", "connector": "firewall", "operation": "block-ip",
                  "input": { "ip": "{{ incident.entities.ips[0] }}" }, "next": "notify" },
                { "id": "notify", "type": "action", "connector": "notify", "operation": "request",
                  "input": { "method": "POST", "path": "{{{FirewallTarget.NotifyPath}}}", "body": { "ip": "{{ incident.entities.ips[0] }}" } } }
              ]
            }

            """);
    }
}
