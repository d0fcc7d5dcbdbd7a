using System.Text.Json.Nodes;
using Marten;
using Respond.Domain.Incidents;
using Respond.Domain.Playbooks.Definitions;
using Respond.Domain.Playbooks.Expressions;
using Respond.Domain.Playbooks.Runs;
using Respond.Server.Playbooks.Runs;

namespace Respond.Server.Approvals;

/// <summary>
/// Fills in a pending approval's next-step input from its run and incident as they are now, through the engine's own
/// rendering, so the approver reads what approving would send. One read per incident, however many approvals it has.
/// </summary>
public sealed class ApprovalPreview(RunEngine engine, IQuerySession session, string actor, DateTimeOffset now)
{
    private readonly Dictionary<Guid, JsonNode?> incidents = [];

    public async Task<ApprovalView> RenderAsync(ApprovalView view, PlaybookRun run, PlaybookDefinition? playbook, CancellationToken ct)
    {
        if (view.Status != ApprovalStatus.Pending || run.IsOver || view.Next is not { Input: JsonObject template } next
            || playbook?.Step(next.Id) is not { } step || !template.ToJsonString().Contains("{{", StringComparison.Ordinal))
        {
            return view;
        }

        var incident = await IncidentJsonAsync(run.IncidentId, ct);
        try
        {
            var rendered = engine.Preview(playbook, run, step, template, new RunContext(incident, incident?["alerts"], actor, now));
            return view with { Next = next with { Rendered = rendered } };
        }
        catch (ExpressionException ex)
        {
            return view with { Next = next with { RenderError = ex.Message } };
        }
    }

    private async Task<JsonNode?> IncidentJsonAsync(Guid? incidentId, CancellationToken ct)
    {
        if (incidentId is not { } id)
        {
            return null;
        }

        if (!incidents.TryGetValue(id, out var json))
        {
            json = incidents[id] = IncidentScope.JsonOf(await session.LoadAsync<Incident>(id, ct));
        }

        // Each rendering gets its own copy: a node belongs to one parent, and a render must not see another's changes.
        return json?.DeepClone();
    }
}
