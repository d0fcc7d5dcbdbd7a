using JasperFx.Events;
using Marten;
using Respond.Domain.Playbooks.Runs;
using Respond.Server.Playbooks.Library;
using Respond.Server.Storage;
using Wolverine.Marten.Publishing;
using Wolverine.Runtime;

namespace Respond.Server.Playbooks.Runs;

/// <summary>
/// The one path every run transition takes: fetch the run with its stream version as the fence,
/// decide, apply the incident changes the decision makes, append, enqueue the follow-up work on the
/// transactional outbox (<see cref="RunWorkOutbox"/>), commit. One PostgreSQL transaction per transition; a lost race
/// decides again on the fresh state (so exactly one approval wins, and a late duplicate does nothing). The other parts:
/// the runs an alert starts in its own transaction (<c>RunTransitions.AlertPath.cs</c>), and faults (<c>RunTransitions.Faults.cs</c>).
/// </summary>
public sealed partial class RunTransitions(
    RunEngine engine,
    IPlaybookCatalog catalog,
    TriggerMatcher matcher,
    OutboxedSessionFactory sessions,
    IWolverineRuntime wolverine,
    TimeProvider clock,
    IConfiguration configuration,
    ILogger<RunTransitions> logger)
{
    private const int MaxRaces = 8;

    // Fields, not captured parameters, so that the parts in the other files share them.
    private readonly RunEngine engine = engine;
    private readonly IPlaybookCatalog catalog = catalog;
    private readonly TriggerMatcher matcher = matcher;
    private readonly OutboxedSessionFactory sessions = sessions;
    private readonly IWolverineRuntime wolverine = wolverine;
    private readonly TimeProvider clock = clock;
    private readonly ILogger<RunTransitions> logger = logger;
    private readonly TimeSpan alertPathExpressionTime = AlertPathExpressionTimeOf(configuration);

    /// <summary>
    /// Starts a run unless one with that id exists. Returns null when it already existed. The stream id is
    /// the guard: a second start collides on commit, so the common path spends no read on asking first.
    /// </summary>
    public async Task<PlaybookRun?> StartAsync(PublishedPlaybook playbook, StartRun command, string actor, CancellationToken ct)
    {
        try
        {
            return await TryStartAsync(playbook, command, actor, ct);
        }
        catch (Exception ex) when (IsFault(ex))
        {
            logger.LogError(ex, "Start of run {RunId} of playbook {PlaybookId} v{Version} faulted; the run is recorded as failed",
                command.RunId, playbook.Id, playbook.Version);
            var context = new RunContext(null, null, actor, clock.GetUtcNow());
            var failed = RunEngine.StartFaulted(playbook.Id, playbook.Definition.Name, command, FaultMessage(ex), context);
            return await WriteFaultAsync(command.RunId, command.IncidentId, failed, startsStream: true, ct);
        }
    }

    private async Task<PlaybookRun?> TryStartAsync(PublishedPlaybook playbook, StartRun command, string actor, CancellationToken ct)
    {
        var fenceIncident = false;
        for (var race = 1; ; race++)
        {
            var bus = new MessageContext(wolverine);
            await using var session = sessions.OpenSession(bus);
            var incident = await IncidentScope.ReadAsync(session, command.IncidentId, fenceIncident, ct);
            var context = incident.Context(actor, clock.GetUtcNow());
            var decision = engine.Start(playbook.Definition, command, context);
            decision = engine.Drive(playbook.Definition, decision, context,
                change => incident.Apply(change, AutomatedActor(playbook.Id), context.Now));
            if (!await incident.StageAsync(session, ct))
            {
                fenceIncident = true;
                continue;
            }

            session.Events.StartStream<PlaybookRun>(command.RunId, decision.Events);
            await RunWorkOutbox.EnqueueAsync(bus, command.RunId, command.IncidentId, decision.Work);
            try
            {
                await session.SaveChangesAsync(ct);
                return decision.State;
            }
            catch (Exception ex) when (StorageFailures.IsLostRace(ex) && race < MaxRaces)
            {
                // Either the run exists (a redelivered or concurrent trigger) or the incident moved under us.
                await using var check = sessions.OpenSession(new MessageContext(wolverine));
                if (await check.Events.FetchStreamStateAsync(command.RunId, ct) is not null)
                {
                    return null;
                }

                fenceIncident = true;
                logger.LogDebug("Start of run {RunId} lost a race; deciding again", command.RunId);
            }
        }
    }

    /// <summary>Reads a run for a transition: the run with its stream version as the fence, in a session on the outbox.</summary>
    public async Task<RunWrite> OpenAsync(Guid runId, CancellationToken ct)
    {
        var bus = new MessageContext(wolverine);
        var session = sessions.OpenSession(bus);
        try
        {
            return new RunWrite(runId, bus, session, await session.Events.FetchForWriting<PlaybookRun>(runId, ct));
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Applies one command to a run. <paramref name="actor"/> is the person deciding, or null for the
    /// engine itself (recorded as <c>playbook:&lt;id&gt;</c>). Throws <see cref="RunNotFoundException"/>, or the engine's refusals.
    /// </summary>
    public async Task<PlaybookRun> ApplyAsync(Guid runId, RunCommand command, string? actor, CancellationToken ct)
    {
        await using var write = await OpenAsync(runId, ct);
        return await ApplyAsync(write, command, actor, ct);
    }

    /// <summary>
    /// Applies one command to the run as <paramref name="read"/> saw it, so a caller that already read it
    /// (to check there is work to do) pays no second read. A run that moved since is read again and the
    /// command decided again on the fresh state.
    /// </summary>
    public async Task<PlaybookRun> ApplyAsync(RunWrite read, RunCommand command, string? actor, CancellationToken ct)
    {
        try
        {
            return await DecideAndCommitAsync(read, command, actor, ct);
        }
        catch (Exception ex) when (IsFault(ex) && read.Run is { } faulted)
        {
            // Not a lost race, nor the database away (those throw, and the message is tried again): a fault that
            // would recur on every redelivery, repeating the call before it. The run fails instead, in its own transaction.
            logger.LogError(ex, "Run {RunId}: {Command} faulted; the run is failed", read.RunId, command.GetType().Name);
            return await FailOnFaultAsync(faulted.Id, command, FaultMessage(ex), actor, ct);
        }
    }

    private async Task<PlaybookRun> DecideAndCommitAsync(RunWrite read, RunCommand command, string? actor, CancellationToken ct)
    {
        var write = read;
        var fenceIncident = false;
        try
        {
            for (var race = 1; ; race++)
            {
                try
                {
                    if (await TryApplyAsync(write, command, actor, fenceIncident, ct) is { } run)
                    {
                        return run;
                    }

                    fenceIncident = true; // The incident moved since it was read: decide again with it fenced.
                }
                catch (Exception ex) when (StorageFailures.IsLostRace(ex) && race < MaxRaces)
                {
                    logger.LogDebug("Run {RunId} changed while deciding {Command}; deciding again", read.RunId, command.GetType().Name);
                    await Task.Delay(Random.Shared.Next(1, 4 * race), ct);
                }

                if (write != read)
                {
                    await write.DisposeAsync();
                }

                write = await OpenAsync(read.RunId, ct);
            }
        }
        finally
        {
            if (write != read)
            {
                await write.DisposeAsync();
            }
        }
    }

    /// <summary>One decision and commit on one read. Null when the incident moved since it was read.</summary>
    private async Task<PlaybookRun?> TryApplyAsync(RunWrite write, RunCommand command, string? actor, bool fenceIncident,
        CancellationToken ct)
    {
        var run = write.Run ?? throw new RunNotFoundException(write.RunId);
        var playbook = await catalog.GetAsync(run.PlaybookId, run.PlaybookVersion, ct)
            ?? throw new InvalidOperationException($"Run {run.Id} pins {run.PlaybookId} version {run.PlaybookVersion}, which is not stored.");

        var incident = await IncidentScope.ReadAsync(write.Session, run.IncidentId, fenceIncident, ct);
        var context = incident.Context(actor ?? AutomatedActor(run.PlaybookId), clock.GetUtcNow());
        var decision = engine.Decide(playbook.Definition, run, command, context);
        decision = engine.Drive(playbook.Definition, decision, context,
            change => incident.Apply(change, AutomatedActor(run.PlaybookId), context.Now));
        if (decision.Events.Count == 0)
        {
            return run;
        }

        if (!await incident.StageAsync(write.Session, ct))
        {
            return null;
        }

        write.Stream.AppendMany(decision.Events);
        await RunWorkOutbox.EnqueueAsync(write.Bus, run.Id, run.IncidentId, decision.Work);
        await write.Session.SaveChangesAsync(ct);
        return decision.State!;
    }

    /// <summary>Who the timeline names when a playbook, not a person, acted.</summary>
    public static string AutomatedActor(string playbookId) => $"playbook:{playbookId}";
}
