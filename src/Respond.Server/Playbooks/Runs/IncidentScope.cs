using System.Text.Json;
using System.Text.Json.Nodes;
using JasperFx.Events;
using Marten;
using Respond.Domain.Incidents;
using Respond.Domain.Playbooks.Runs;
using Respond.Server.Hosting;

namespace Respond.Server.Playbooks.Runs;

/// <summary>
/// A run's incident during one transition: its JSON for expressions, and the changes an incident step
/// makes. Most transitions only read it, so it is read plainly; a change is appended only if the
/// incident is still at the version that read saw, and otherwise the transition decides again with
/// the incident read for writing (<c>fenced</c>) from the start.
/// </summary>
internal sealed class IncidentScope
{
    private readonly Guid? incidentId;
    private readonly IEventStream<Incident>? fencedStream;
    private readonly long readVersion;
    private readonly List<object> pending = [];
    private Incident? state;
    private JsonNode? json;

    private IncidentScope(Guid? incidentId, Incident? state, IEventStream<Incident>? fencedStream)
    {
        this.incidentId = incidentId;
        this.state = state;
        this.fencedStream = fencedStream;
        readVersion = state?.Version ?? 0;
    }

    public static async Task<IncidentScope> ReadAsync(IDocumentSession session, Guid? incidentId, bool fenced, CancellationToken ct)
    {
        if (incidentId is not { } id)
        {
            return new IncidentScope(null, null, null);
        }

        if (!fenced)
        {
            return new IncidentScope(id, await session.LoadAsync<Incident>(id, ct), null);
        }

        var stream = await session.Events.FetchForWriting<Incident>(id, ct);
        return new IncidentScope(id, stream.Aggregate, stream);
    }

    /// <summary>
    /// The incident as expressions see it: its API JSON. <c>alerts</c> is the document's bounded list, the
    /// newest <see cref="Incident.MaxAlertsShown"/>; <c>incident.alertCount</c> counts them all.
    /// </summary>
    public static JsonNode? JsonOf(Incident? incident)
    {
        if (incident is null)
        {
            return null;
        }

        // Expressions have always seen an empty runs list before isClosed (the stored incident never held its runs,
        // only the API answer fills them): kept, so no playbook's expression sees a different incident.
        var json = JsonSerializer.SerializeToNode(incident, JsonConventions.Api)!.AsObject();
        json.Insert(json.IndexOf("isClosed"), "runs", new JsonArray());
        return json;
    }

    public RunContext Context(string actor, DateTimeOffset now)
    {
        json ??= JsonOf(state);
        return new RunContext(json, json?["alerts"], actor, now);
    }

    public RecordStepResult Apply(ChangeIncident change, string actor, DateTimeOffset now)
    {
        if (state is null)
        {
            return new RecordStepResult(change.StepId, change.Attempt, false, null, "The run's incident does not exist.", false);
        }

        var (events, result) = IncidentStep.Decide(state, change, actor, now);
        foreach (var e in events)
        {
            pending.Add(e);
            state = Incident.Evolve(state, e);
        }

        json = null;
        return result;
    }

    /// <summary>
    /// Appends the changes, fenced by the incident's stream version. False, appending nothing, when the
    /// incident moved since it was read plainly: the decision was made on a stale incident.
    /// </summary>
    public async Task<bool> StageAsync(IDocumentSession session, CancellationToken ct)
    {
        if (pending.Count == 0)
        {
            return true;
        }

        var stream = fencedStream ?? await session.Events.FetchForWriting<Incident>(incidentId!.Value, ct);
        if (fencedStream is null && (stream.Aggregate is null || stream.CurrentVersion != readVersion))
        {
            return false;
        }

        stream.AppendMany(pending);
        return true;
    }
}
