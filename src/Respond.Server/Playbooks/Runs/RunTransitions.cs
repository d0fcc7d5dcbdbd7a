using System.Text.Json;
using System.Text.Json.Nodes;
using JasperFx;
using JasperFx.Events;
using Marten;
using Respond.Domain.Incidents;
using Respond.Domain.Playbooks.Expressions;
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
    TriggerMatcher matcher,
    OutboxedSessionFactory sessions,
    IWolverineRuntime wolverine,
    TimeProvider clock,
    IConfiguration configuration,
    ILogger<RunTransitions> logger)
{
    private const int MaxRaces = 8;

    /// <summary>
    /// How long an expression may take on the alert's own path (<c>Respond:Playbooks:AlertPathExpressionTime</c>);
    /// a slower one is left to the queue, where the sandbox's full limit applies.
    /// </summary>
    public static readonly TimeSpan DefaultAlertPathExpressionTime = TimeSpan.FromMilliseconds(50);

    private readonly TimeSpan alertPathExpressionTime =
        configuration.GetValue<TimeSpan?>("Respond:Playbooks:AlertPathExpressionTime") is { } t && t > TimeSpan.Zero
            ? t
            : DefaultAlertPathExpressionTime;

    /// <summary>
    /// How long one alert transaction may spend starting runs (the same setting): past it, the rest of its
    /// triggers go to the queue, so a burst of alerts for a playbook that is slow, yet under the cap, cannot
    /// stall the intake.
    /// </summary>
    public TimeSpan AlertPathBudget => alertPathExpressionTime;

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

                fenceIncident = true;
                logger.LogDebug("Start of run {RunId} lost a race; deciding again", command.RunId);
            }
        }
    }

    /// <summary>
    /// Stages, in the caller's transaction, the runs <paramref name="signal"/> starts: each playbook's trigger
    /// is evaluated, its run decided up to its first wait, and the run's stream and follow-up work added to
    /// the session and its outbox. So a run commits with the alert that started it, with no hop through a
    /// queue in between. A playbook that cannot start this way, quickly and purely (an expression slower
    /// than the alert's path allows, a first step that changes the incident, any fault), is left to
    /// <see cref="EvaluateTriggersHandler"/>: the answer is the signal for those playbooks, or null when none is left.
    /// </summary>
    /// <param name="staged">Collects the starts staged, for <see cref="LogStarted"/> once the transaction has committed.</param>
    public async Task<EvaluateTriggers?> StartOnAlertPathAsync(IDocumentSession session, IMessageBus outbox, Incident incident,
        EvaluateTriggers signal, List<TriggeredStart> staged, CancellationToken ct)
    {
        IReadOnlyList<PublishedPlaybook> playbooks;
        try
        {
            playbooks = await catalog.TriggeredByAsync(signal.Trigger, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogDebug(ex, "Trigger {TriggerKey} goes to the queue: the playbooks could not be read", signal.TriggerKey);
            return signal;
        }

        var json = IncidentScope.JsonOf(incident);
        var now = clock.GetUtcNow();
        List<string>? deferred = null;
        foreach (var playbook in playbooks.Where(signal.Includes))
        {
            if (!TryDecideStart(playbook, signal, incident, json, now, out var started))
            {
                (deferred ??= []).Add(playbook.Id);
            }
            else if (started is { Start: var start, Decision: var decision })
            {
                session.Events.StartStream<PlaybookRun>(start.Command.RunId, decision.Events);
                await EnqueueAsync(outbox, start.Command.RunId, incident.Id, decision.Work);
                staged.Add(start);
            }
        }

        return deferred is null ? null : signal with { Playbooks = deferred };
    }

    /// <summary>Logs the runs an alert transaction started, after it committed.</summary>
    public void LogStarted(IEnumerable<TriggeredStart> started)
    {
        foreach (var start in started)
        {
            logger.LogInformation("Started run {RunId} of playbook {PlaybookId} v{Version} for incident {IncidentId} ({Trigger}) with its alert",
                start.Command.RunId, start.Playbook.Id, start.Playbook.Version, start.Command.IncidentId, start.Command.Trigger);
        }
    }

    /// <summary>False when the start must be left to the queue; otherwise <paramref name="started"/> is the run, or null when the trigger's when
    /// does not hold.</summary>
    private bool TryDecideStart(PublishedPlaybook playbook, EvaluateTriggers signal, Incident incident, JsonNode? json, DateTimeOffset now,
        out (TriggeredStart Start, RunDecision Decision)? started)
    {
        started = null;
        try
        {
            using var cap = ExpressionTimeCap.Begin(alertPathExpressionTime);
            if (matcher.MatchOne(playbook, signal, incident, json) is not { } start)
            {
                return !cap.Exceeded;
            }

            var context = new RunContext(json, json?["alerts"], AutomatedActor(playbook.Id), now);
            var decision = engine.Start(playbook.Definition, start.Command, context);
            decision = engine.Drive(playbook.Definition, decision, context, _ => throw new IncidentChangeDeferred());
            started = (start, decision);
            return !cap.Exceeded;
        }
        catch (IncidentChangeDeferred)
        {
            return false;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogDebug(ex, "Playbook {PlaybookId} for {TriggerKey} goes to the queue rather than the alert's transaction", playbook.Id,
                signal.TriggerKey);
            return false;
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
                catch (Exception ex) when (IsLostRace(ex) && race < MaxRaces)
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
        await EnqueueAsync(write.Bus, run.Id, run.IncidentId, decision.Work);
        await write.Session.SaveChangesAsync(ct);
        return decision.State!;
    }

    private async Task<PlaybookRun> FailOnFaultAsync(Guid runId, RunCommand command, string error, string? actor, CancellationToken ct)
    {
        for (var race = 1; ; race++)
        {
            await using var write = await OpenAsync(runId, ct);
            var run = write.Run ?? throw new RunNotFoundException(runId);
            var decision = RunEngine.Fault(run, command, error,
                new RunContext(null, null, actor ?? AutomatedActor(run.PlaybookId), clock.GetUtcNow()));
            if (decision.Events.Count == 0)
            {
                return run;
            }

            write.Stream.AppendMany(decision.Events);
            await EnqueueAsync(write.Bus, run.Id, run.IncidentId, decision.Work);
            try
            {
                await write.Session.SaveChangesAsync(ct);
                return decision.State!;
            }
            catch (Exception ex) when (IsLostRace(ex) && race < MaxRaces)
            {
                logger.LogDebug("Run {RunId} changed while recording its fault; recording it again", runId);
            }
        }
    }

    private async Task<PlaybookRun?> WriteFaultAsync(Guid runId, Guid? incidentId, RunDecision decision, bool startsStream, CancellationToken ct)
    {
        var bus = new MessageContext(wolverine);
        await using var session = sessions.OpenSession(bus);
        if (startsStream)
        {
            session.Events.StartStream<PlaybookRun>(runId, decision.Events);
        }

        await EnqueueAsync(bus, runId, incidentId, decision.Work);
        try
        {
            await session.SaveChangesAsync(ct);
            return decision.State;
        }
        catch (Exception ex) when (IsLostRace(ex))
        {
            return null; // The run exists after all (a concurrent start): nothing to record.
        }
    }

    /// <summary>
    /// A fault that trying again will not cure: not the engine's refusals (answered to the caller), not a lost
    /// race, not PostgreSQL being unreachable, not a cancellation.
    /// </summary>
    internal static bool IsFault(Exception ex) => ex is not (OperationCanceledException or RunConflictException or ApprovalForbiddenException
        or RunNotFoundException or IncidentChangeDeferred)
        && !IsLostRace(ex) && !Storage.StorageFailures.IsUnavailable(ex);

    private static string FaultMessage(Exception ex)
    {
        var reason = $"The run stopped on an internal error ({ex.GetType().Name}: {ex.Message})";
        return reason.Length > 500 ? reason[..500] + "…" : reason;
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
                    await bus.PublishAsync(new StartChildPlaybook(runId, c.StepId, c.ChildRunId, c.PlaybookId, incidentId, c.Vars.ToJsonString(),
                        c.HandStarter ?? StartChildPlaybook.NoHandStarter));
                    break;
                case CancelChildRun c:
                    await bus.PublishAsync(new CancelChildPlaybook(c.ChildRunId, c.Reason));
                    break;
                case NotifyParent n:
                    await bus.PublishAsync(new ChildRunEnded(n.ParentRunId, n.ParentStepId, n.ChildRunId, n.Succeeded, n.Error,
                        n.Vars.ToJsonString()));
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
}

public sealed class RunNotFoundException(Guid runId) : Exception($"No run {runId}.");

/// <summary>A run read for one transition: its session on the outbox, and its stream with the version as the fence.</summary>
public sealed class RunWrite : IAsyncDisposable
{
    internal RunWrite(Guid runId, MessageContext bus, IDocumentSession session, IEventStream<PlaybookRun> stream)
    {
        RunId = runId;
        Bus = bus;
        Session = session;
        Stream = stream;
    }

    public Guid RunId { get; }

    /// <summary>The run as read, or null when there is none.</summary>
    public PlaybookRun? Run => Stream.Aggregate;

    internal MessageContext Bus { get; }

    internal IDocumentSession Session { get; }

    internal IEventStream<PlaybookRun> Stream { get; }

    public ValueTask DisposeAsync() => Session.DisposeAsync();
}

/// <summary>A run started on an alert's path reached an incident step: it is started from the queue instead.</summary>
internal sealed class IncidentChangeDeferred : Exception;
