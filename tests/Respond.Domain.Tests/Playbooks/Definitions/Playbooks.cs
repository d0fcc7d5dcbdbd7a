using System.Text.Json.Nodes;
using Respond.Domain.Playbooks.Definitions;
using Respond.Domain.Playbooks.Expressions;

namespace Respond.Domain.Tests.Playbooks.Definitions;

/// <summary>The SPEC §4 example and a validator over a small, known world.</summary>
internal static class Playbooks
{
    public const string SpecExample = """
        {
          "id": "contain-brute-force",
          "name": "Contain brute-force sign-in",
          "trigger": { "on": "incident.opened", "when": "alerts.some(a => a.category == 'BruteForce')" },
          "steps": [
            { "id": "notify", "type": "action", "connector": "chat", "operation": "post",
              "input": { "text": "New incident {{ incident.title }}" }, "next": "approve" },
            { "id": "approve", "type": "approval", "approvers": { "roles": ["approver"] },
              "timeout": "PT30M", "next": { "approved": "block", "rejected": "done", "expired": "done" } },
            { "id": "block", "type": "action", "connector": "firewall", "operation": "block-ip",
              "input": { "ip": "{{ incident.entities.ips[0] }}" },
              "retry": { "maxAttempts": 5, "delay": "PT2S" }, "next": "contained" },
            { "id": "contained", "type": "incident", "status": "contained", "next": "done" },
            { "id": "done", "type": "end" }
          ]
        }
        """;

    public static JintExpressionEvaluator Evaluator { get; } = new();

    public static PlaybookDefinition Example() => PlaybookJson.Parse(SpecExample);

    /// <summary>The example with its steps replaced (as JSON objects), for one focused case per test.</summary>
    public static PlaybookDefinition WithSteps(params string[] steps) =>
        PlaybookJson.Parse($$"""{ "id": "case", "name": "Case", "trigger": { "on": "manual" }, "steps": [{{string.Join(",", steps)}}] }""");

    public static IReadOnlyList<ValidationError> Validate(PlaybookDefinition playbook) =>
        new PlaybookValidator(Evaluator, new FakeEnvironment()).Validate(playbook);

    /// <summary>Connectors chat (post) and firewall (block-ip, unblock-ip); one other playbook; cron of 5 fields.</summary>
    public sealed class FakeEnvironment : IPlaybookEnvironment
    {
        private static readonly Dictionary<string, string[]> Connectors = new(StringComparer.Ordinal)
        {
            ["chat"] = ["post"],
            ["firewall"] = ["block-ip", "unblock-ip"],
        };

        public IReadOnlyList<string>? OperationsOf(string connector) => Connectors.GetValueOrDefault(connector);

        public IReadOnlyList<string> ValidateInput(string connector, string operation, JsonObject input) =>
            operation == "block-ip" && !input.ContainsKey("ip") ? ["ip is required."] : [];

        public bool PlaybookExists(string playbookId) => playbookId == "other";

        public string? CheckSchedule(string cron, string? timeZone) =>
            cron.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 5 ? null : "A cron expression has 5 fields.";
    }
}
