using System.Globalization;
using JasperFx;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Respond.Domain.Incidents;
using Respond.Server.Hosting;
using Respond.Server.Playbooks.Runs;
using Wolverine.Marten;

namespace Respond.Server.Incidents;

public sealed record CommandAnswer(Guid Id, long Version);

/// <summary>What an incident command decides: the events for the incident, given the command's body, who asks and when.</summary>
public delegate IReadOnlyList<object> DecideIncidentCommand<in TBody>(Incident incident, TBody? body, string actor, DateTimeOffset now)
    where TBody : class;

/// <summary>
/// The shared path of every incident command: read the body, honour If-Match, fetch the stream with its
/// version as the fence, run the pure decision, append, answer the new version.
/// </summary>
public static class IncidentCommandPipeline
{
    /// <summary>
    /// Maps <c>POST {pattern}</c> as an incident command for <paramref name="role"/>: the route, its answers and the
    /// whole pipeline, so a use case only says how its body becomes a decision.
    /// </summary>
    public static RouteHandlerBuilder MapIncidentCommand<TBody>(
        this RouteGroupBuilder group, string pattern, string role, DecideIncidentCommand<TBody> decide)
        where TBody : class =>
        group.MapPost(pattern, async (Guid id, HttpContext context, IDocumentSession session, TimeProvider clock,
                [FromServices] TriggerSignals triggers, CancellationToken ct) =>
            {
                var (body, error) = await CommandBodies.ReadAsync<TBody>(context.Request, ct);
                return error ?? await RunAsync(id, context.Request, session, triggers,
                    incident => decide(incident, body, context.User.Actor(), clock.GetUtcNow()), ct);
            })
            .RequireAuthorization(role)
            .Produces<CommandAnswer>()
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(409).ProducesProblem(412);

    private static async Task<IResult> RunAsync(
        Guid id,
        HttpRequest request,
        IDocumentSession session,
        TriggerSignals triggers,
        Func<Incident, IReadOnlyList<object>> decide,
        CancellationToken ct)
    {
        if (!TryReadIfMatch(request, out var expected))
        {
            return Problems.BadRequest("If-Match must be a version number, quoted or bare.");
        }

        try
        {
            var stream = expected is { } version
                ? await session.Events.FetchForWriting<Incident>(id, version, ct)
                : await session.Events.FetchForWriting<Incident>(id, ct);
            if (stream.Aggregate is not { } incident)
            {
                return Problems.NotFound($"No incident {id}.");
            }

            var events = decide(incident);
            if (events.Count > 0)
            {
                stream.AppendMany(events);
                await SignalTriggersAsync(triggers, request.HttpContext.RequestServices, session, events,
                    (stream.StartingVersion ?? 0) + events.Count);
                await session.SaveChangesAsync(ct);
            }

            return Results.Ok(new CommandAnswer(id, (stream.StartingVersion ?? 0) + events.Count));
        }
        catch (IncidentConflictException ex)
        {
            return Problems.Conflict(ex.Message);
        }
        catch (InvalidCommandException ex)
        {
            return Problems.BadRequest(ex.Message);
        }
        catch (ConcurrencyException) when (expected is not null)
        {
            var current = await session.Events.FetchStreamStateAsync(id, ct);
            return Problems.PreconditionFailed(current?.Version ?? 0);
        }
        catch (ConcurrencyException)
        {
            return Problems.Status(StatusCodes.Status409Conflict, "The incident changed while this command ran.",
                "Someone else changed the incident at the same moment. Read it again and retry.");
        }
    }

    // A severity change may start playbooks: the trigger message commits with the change, on the outbox. The outbox
    // is resolved only then, so the commands that start nothing never enrol one.
    private static async Task SignalTriggersAsync(
        TriggerSignals triggers, IServiceProvider services, IDocumentSession session, IReadOnlyList<object> events, long asOfVersion)
    {
        var signals = triggers.For(events, asOfVersion);
        if (signals.Count == 0)
        {
            return;
        }

        var outbox = services.GetRequiredService<IMartenOutbox>();
        outbox.Enroll(session);
        await TriggerSignals.PublishAsync(outbox, signals);
    }

    private static bool TryReadIfMatch(HttpRequest request, out long? version)
    {
        version = null;
        var header = request.Headers.IfMatch.ToString().Trim();
        if (header.Length == 0 || header == "*")
        {
            return true;
        }

        if (header.StartsWith("W/", StringComparison.Ordinal))
        {
            header = header[2..];
        }

        if (long.TryParse(header.Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
        {
            version = parsed;
            return true;
        }

        return false;
    }
}
