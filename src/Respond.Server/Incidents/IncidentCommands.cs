using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using JasperFx;
using Marten;
using Respond.Domain.Incidents;
using Respond.Server.Hosting;
using Respond.Server.Playbooks.Runs;
using Wolverine.Marten;

namespace Respond.Server.Incidents;

public sealed record CommandAnswer(Guid Id, long Version);

/// <summary>
/// The shared path of every incident command: honour If-Match, fetch the stream with its version
/// as the fence, run the pure decision, append, answer the new version.
/// </summary>
public static class IncidentCommands
{
    public static async Task<IResult> RunAsync<TBody>(
        Guid id,
        HttpContext context,
        IDocumentSession session,
        Func<Incident, TBody?, IReadOnlyList<object>> decide,
        CancellationToken ct)
        where TBody : class
    {
        var (body, error) = await CommandBodies.ReadAsync<TBody>(context.Request, ct);
        return error ?? await RunAsync(id, context.Request, session, incident => decide(incident, body), ct);
    }

    public static async Task<IResult> RunAsync(
        Guid id,
        HttpRequest request,
        IDocumentSession session,
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
                await SignalTriggersAsync(request.HttpContext.RequestServices, session, events);
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

    // A severity change may start playbooks: the trigger message commits with the change, on the outbox.
    private static async Task SignalTriggersAsync(IServiceProvider services, IDocumentSession session, IReadOnlyList<object> events)
    {
        var signals = services.GetRequiredService<TriggerSignals>().For(events);
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
