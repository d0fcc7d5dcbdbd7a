using System.Text.Json.Nodes;
using Respond.Domain.Playbooks.Definitions;
using Respond.Domain.Playbooks.Expressions;
using Respond.Domain.Playbooks.Runs;

namespace Respond.Domain.Tests.Playbooks.Runs;

/// <summary>A run driven through the pure engine: each decision's events applied, its work kept for inspection.</summary>
internal sealed class RunFixture
{
    public static readonly DateTimeOffset T0 = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    private readonly RunEngine engine;
    private readonly PlaybookDefinition playbook;

    public RunFixture(string playbookJson, ExpressionLimits? limits = null)
    {
        engine = new RunEngine(new JintExpressionEvaluator(limits));
        playbook = PlaybookJson.Parse(playbookJson);
    }

    public Guid RunId { get; } = Guid.NewGuid();

    public PlaybookRun Run { get; private set; } = null!;

    public List<object> Events { get; } = [];

    public List<RunWork> Work { get; } = [];

    public JsonNode Incident { get; set; } = SampleIncident();

    public DateTimeOffset Now { get; set; } = T0;

    /// <summary>An incident's API JSON with one address, host and account, and a BruteForce alert.</summary>
    public static JsonNode SampleIncident() => JsonNode.Parse("""
        { "id": "00000000-0000-0000-0000-000000000001", "title": "Brute force on vpn-1", "severity": "high",
          "entities": { "ips": ["203.0.113.7"], "hosts": ["vpn-1"], "accounts": ["alice"], "resources": [] },
          "alerts": [ { "category": "BruteForce", "title": "Many failed sign-ins" } ] }
        """)!;

    public RunDecision Start(bool byHand = false, string actor = "playbook:test", JsonObject? vars = null)
    {
        var decision = engine.Start(playbook, new StartRun(RunId, 1, Guid.Parse("00000000-0000-0000-0000-000000000001"),
            byHand ? "manual" : "incident.opened", "key", byHand, vars ?? []), Context(actor));
        return Keep(decision);
    }

    public RunDecision Decide(RunCommand command, string actor = "playbook:test") =>
        Keep(engine.Decide(playbook, Run, command, Context(actor)));

    public RunDecision Succeed(PerformAction action, JsonNode? output = null) =>
        Decide(new RecordStepResult(action.StepId, action.Attempt, true, output ?? new JsonObject { ["ok"] = true }, null, false));

    public RunDecision Fail(PerformAction action, bool retryable, string error = "503 Service Unavailable") =>
        Decide(new RecordStepResult(action.StepId, action.Attempt, false, null, error, retryable));

    public PerformAction LastAction => Work.OfType<PerformAction>().Last();

    public IEnumerable<T> EventsOf<T>() => Events.OfType<T>();

    private RunContext Context(string actor) => new(Incident, Incident["alerts"], actor, Now);

    private RunDecision Keep(RunDecision decision)
    {
        Run = decision.State!;
        Events.AddRange(decision.Events);
        Work.AddRange(decision.Work);
        return decision;
    }
}
