using Marten;
using Respond.Domain.Incidents;
using Respond.Domain.Playbooks.Runs;
using Respond.Server.Auth;
using Respond.Server.Hosting;

namespace Respond.Server.Incidents;

/// <summary>
/// <c>GET /api/incidents/{id}/timeline</c>: every event of the incident, the audit trail, merged in
/// time order with the events of its playbook runs that concern it (runs started and ended,
/// approvals asked, granted, rejected or expired, steps that failed). Run entries carry <c>runId</c>,
/// and their <c>version</c> is the run stream's.
/// </summary>
public static class GetTimeline
{
    public sealed record Entry(long Version, string Type, DateTimeOffset At, string Actor, object Data, Guid? RunId = null)
    {
        /// <summary>The actor's display name: an OIDC actor's name beside its stable id; otherwise the actor itself.</summary>
        public string ActorName { get; init; } = Actor;

        /// <summary>The store's global sequence: the order the facts were committed in.</summary>
        [System.Text.Json.Serialization.JsonIgnore]
        public long Sequence { get; init; }
    }

    public static void Map(RouteGroupBuilder group) => group.MapGet("/{id:guid}/timeline", async (
        Guid id, IQuerySession session, CancellationToken ct) =>
    {
        var events = await session.Events.FetchStreamAsync(id, token: ct);
        if (events.Count == 0)
        {
            return Problems.NotFound($"No incident {id}.");
        }

        var entries = events.Select(e => e.Data is IIncidentEvent fact
            ? new Entry(e.Version, e.Data.GetType().Name, fact.At, fact.Actor, e.Data) { Sequence = e.Sequence }
            : new Entry(e.Version, e.Data.GetType().Name, e.Timestamp, e.UserName ?? "system", e.Data) { Sequence = e.Sequence }).ToList();

        // One read for the events of all the incident's runs, not one per run.
        var runIds = await session.Query<PlaybookRun>().Where(r => r.IncidentId == id).Select(r => r.Id).ToListAsync(ct);
        if (runIds.Count > 0)
        {
            var runEvents = await session.Events.QueryAllRawEvents()
                .Where(e => e.StreamId.IsOneOf(runIds.ToArray()))
                .OrderBy(e => e.Sequence)
                .ToListAsync(ct);
            entries.AddRange(runEvents
                .Where(e => ConcernsTheIncident(e.Data))
                .Select(e => new Entry(e.Version, e.Data.GetType().Name, ((IRunEvent)e.Data).At, ((IRunEvent)e.Data).Actor, e.Data, e.StreamId)
                {
                    Sequence = e.Sequence,
                }));
        }

        var names = await ActorProfiles.NamesAsync(session, entries.Select(e => e.Actor), ct);
        return Results.Ok(new
        {
            // One run transition stamps its facts with one time. Within a tie: commit order, cause first; but a run's end
            // follows the incident changes its last steps asked for, which are committed just after it.
            items = entries.OrderBy(e => e.At).ThenBy(e => e.Data is PlaybookRunCompleted or PlaybookRunFailed or PlaybookRunCancelled)
                .ThenBy(e => e.Sequence).Select(e => e with { ActorName = names[e.Actor] }).ToList(),
        });
    }).RequireAuthorization(Roles.Viewer).ProducesProblem(404);

    private static bool ConcernsTheIncident(object data) => data switch
    {
        PlaybookRunStarted or PlaybookRunCompleted or PlaybookRunFailed or PlaybookRunCancelled or PlaybookRunResumed => true,
        ApprovalRequested or ApprovalGranted or ApprovalRejected or ApprovalExpired => true,
        StepFailed failed => failed.RetryAt is null,
        _ => false,
    };
}
