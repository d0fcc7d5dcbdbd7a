using System.Text.Json;
using System.Text.Json.Nodes;
using JasperFx;
using JasperFx.Events;
using Marten;
using Respond.Domain.Incidents;
using Respond.Domain.Playbooks.Runs;
using Respond.Server.Hosting;
using Respond.Server.Playbooks.Library;
using Wolverine;
using Wolverine.Marten.Publishing;
using Wolverine.Runtime;

namespace Respond.Server.Playbooks.Runs;

/// <summary>
/// The one path every run transition takes: fetch the run with its stream version as the fence,
/// decide, apply the incident changes the decision makes, append, enqueue the follow-up work on the
/// transactional outbox, commit. One PostgreSQL transaction per transition; a lost race decides
/// again on the fresh state (so exactly one approval wins, and a late duplicate does nothing).
/// </summary>
public sealed class RunTransitions(
    RunEngine engine,
    IPlaybookCatalog catalog,
    OutboxedSessionFactory sessions,
    IWolverineRuntime wolverine,
    TimeProvider clock,
    ILogger<RunTransitions> logger)
{
    private const int MaxRaces = 8;

    /// <summary>
    /// Starts a run unless one with that id exists. Returns null when it already existed. The stream id is
    /// the guard: a second start collides on commit, so the common path spends no read on asking first.
    /// </summary>
    public async Task<PlaybookRun?> StartAsync(PublishedPlaybook playbook, StartRun command, string actor, CancellationToken ct)
    {
        for (var race = 1; ; race++)
        {
            var bus = new MessageContext(wolverine);
            await using var session = sessions.OpenSession(bus);
            var incident = await IncidentScope.LoadAsync(session, command.IncidentId, ct);
            var context = incident.Context(actor, clock.GetUtcNow());
            var decision = engine.Start(playbook.Definition, command, context);
            decision = engine.Drive(playbook.Definition, decision, context,
                change => incident.Apply(change, AutomatedActor(playbook.Id), context.Now));
            session.Events.StartStream<PlaybookRun>(command.RunId, decision.Events);
            incident.Stage();
            await EnqueueAsync(bus, command.RunId, command.IncidentId, decision.Work);
            try
            {
                await session.SaveChangesAsync(ct);
                return decision.State;
            }
            catch (Exception ex) when (IsLostRace(ex) && race < MaxRaces)
            {
                // Either the run exists (a redelivered or concurrent trigger) or the incident moved under us.
                await using var check = sessions.OpenSession(new MessageContext(wolverine));
                if (await check.Events.FetchStreamStateAsync(command.RunId, ct) is not null)
                {
                    return null;
                }

                logger.LogDebug("Start of run {RunId} lost a race; deciding again", command.RunId);
            }
        }
    }

    /// <summary>
    /// Applies one command to a run. <paramref name="actor"/> is the person deciding, or null for the
    /// engine itself (recorded as <c>playbook:&lt;id&gt;</c>). Throws <see cref="RunNotFoundException"/>, or the engine's refusals.
    /// </summary>
    public async Task<PlaybookRun> ApplyAsync(Guid runId, RunCommand command, string? actor, CancellationToken ct)
    {
        for (var race = 1; ; race++)
        {
            var bus = new MessageContext(wolverine);
            await using var session = sessions.OpenSession(bus);
            var stream = await session.Events.FetchForWriting<PlaybookRun>(runId, ct);
            var run = stream.Aggregate ?? throw new RunNotFoundException(runId);
            var playbook = await catalog.GetAsync(run.PlaybookId, run.PlaybookVersion, ct)
                ?? throw new InvalidOperationException($"Run {runId} pins {run.PlaybookId} version {run.PlaybookVersion}, which is not stored.");

            var incident = await IncidentScope.LoadAsync(session, run.IncidentId, ct);
            var context = incident.Context(actor ?? AutomatedActor(run.PlaybookId), clock.GetUtcNow());
            var decision = engine.Decide(playbook.Definition, run, command, context);
            decision = engine.Drive(playbook.Definition, decision, context,
                change => incident.Apply(change, AutomatedActor(run.PlaybookId), context.Now));
            if (decision.Events.Count == 0)
            {
                return run;
            }

            stream.AppendMany(decision.Events);
            incident.Stage();
            await EnqueueAsync(bus, runId, run.IncidentId, decision.Work);
            try
            {
                await session.SaveChangesAsync(ct);
                return decision.State!;
            }
            catch (Exception ex) when (IsLostRace(ex) && race < MaxRaces)
            {
                logger.LogDebug("Run {RunId} changed while deciding {Command}; deciding again", runId, command.GetType().Name);
                await Task.Delay(Random.Shared.Next(1, 4 * race), ct);
            }
        }
    }

    /// <summary>Who the timeline names when a playbook, not a person, acted.</summary>
    public static string AutomatedActor(string playbookId) => $"playbook:{playbookId}";

    private static async Task EnqueueAsync(IMessageBus bus, Guid runId, Guid? incidentId, IEnumerable<RunWork> work)
    {
        foreach (var item in work)
        {
            switch (item)
            {
                case PerformAction a:
                    await bus.PublishAsync(new PerformStep(runId, a.StepId, a.Attempt));
                    break;
                case WakeAt w:
                    await bus.ScheduleAsync(new WakeRunStep(runId, w.StepId, w.Attempt), w.At);
                    break;
                case ExpireApprovalAt e:
                    await bus.ScheduleAsync(new ExpireRunApproval(runId, e.ApprovalId), e.At);
                    break;
                case StartChildRun c:
                    await bus.PublishAsync(new StartChildPlaybook(runId, c.StepId, c.ChildRunId, c.PlaybookId, incidentId, c.Vars.ToJsonString()));
                    break;
                case CancelChildRun c:
                    await bus.PublishAsync(new CancelChildPlaybook(c.ChildRunId, c.Reason));
                    break;
                case NotifyParent n:
                    await bus.PublishAsync(new ChildRunEnded(n.ParentRunId, n.ParentStepId, n.ChildRunId, n.Succeeded, n.Error, n.Vars.ToJsonString()));
                    break;
                default:
                    throw new InvalidOperationException($"No way to enqueue {item.GetType().Name}.");
            }
        }
    }

    internal static bool IsLostRace(Exception ex) => ex is ConcurrencyException or ExistingStreamIdCollisionException
        or Marten.Exceptions.ExistingStreamIdCollisionException
        || ex.InnerException is ConcurrencyException
        || ex.InnerException is Npgsql.PostgresException { SqlState: "23505" };

    /// <summary>The run's incident: its JSON for expressions, and the stream an incident step appends to.</summary>
    private sealed class IncidentScope
    {
        private IEventStream<Incident>? stream;
        private Incident? state;
        private readonly List<object> pending = [];
        private JsonNode? json;

        public static async Task<IncidentScope> LoadAsync(IDocumentSession session, Guid? incidentId, CancellationToken ct)
        {
            var scope = new IncidentScope();
            if (incidentId is { } id)
            {
                // Read for writing up front: an incident step appends with the stream's version as its fence.
                scope.stream = await session.Events.FetchForWriting<Incident>(id, ct);
                scope.state = scope.stream.Aggregate;
            }

            return scope;
        }

        public RunContext Context(string actor, DateTimeOffset now)
        {
            json ??= state is null ? null : JsonSerializer.SerializeToNode(state, JsonConventions.Api);
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

        public void Stage()
        {
            if (pending.Count > 0)
            {
                stream!.AppendMany(pending);
            }
        }
    }
}

public sealed class RunNotFoundException(Guid runId) : Exception($"No run {runId}.");
