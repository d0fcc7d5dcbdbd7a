using System.Text.Json.Nodes;
using Marten;
using Respond.Domain.Incidents;
using Respond.Domain.Playbooks.Expressions;
using Respond.Domain.Playbooks.Runs;
using Respond.Server.Playbooks.Library;
using Wolverine;

namespace Respond.Server.Playbooks.Runs;

/// <summary>The runs an alert starts in its own transaction, before any queue.</summary>
public sealed partial class RunTransitions
{
    /// <summary>
    /// How long an expression may take on the alert's own path (<c>Respond:Playbooks:AlertPathExpressionTime</c>);
    /// a slower one is left to the queue, where the sandbox's full limit applies.
    /// </summary>
    public static readonly TimeSpan DefaultAlertPathExpressionTime = TimeSpan.FromMilliseconds(50);


    /// <summary>
    /// How long one alert transaction may spend starting runs (the same setting): past it, the rest of its
    /// triggers go to the queue, so a burst of alerts for a playbook that is slow, yet under the cap, cannot
    /// stall the intake.
    /// </summary>
    public TimeSpan AlertPathBudget => alertPathExpressionTime;

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
                await RunWorkOutbox.EnqueueAsync(outbox, start.Command.RunId, incident.Id, decision.Work);
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

    /// <summary>
    /// False when the start must be left to the queue; otherwise <paramref name="started"/> is the run, or null when the
    /// trigger's when does not hold.
    /// </summary>
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

    private static TimeSpan AlertPathExpressionTimeOf(IConfiguration configuration) =>
        configuration.GetValue<TimeSpan?>("Respond:Playbooks:AlertPathExpressionTime") is { } t && t > TimeSpan.Zero
            ? t
            : DefaultAlertPathExpressionTime;
}
