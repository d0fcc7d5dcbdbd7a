using System.Diagnostics;
using System.Text.Json;
using Npgsql;
using Respond.Domain.Alerts;
using Respond.Server.Hosting;
using Respond.Server.Storage;

namespace Respond.Server.Alerts;

/// <summary>
/// <c>POST /api/webhooks/{source}</c>: a source's native JSON in, <c>202</c> only once every alert
/// in it is committed. Every refusal stores nothing and says why.
/// </summary>
public static class ReceiveWebhook
{
    public const int MaxBodyBytes = RequestBodies.MaxBytes;

    /// <summary>
    /// The most alerts one delivery may carry (413 above it, nothing stored). A 1 MiB Alertmanager body can
    /// hold about 25,000; real groups are far smaller, and 5,000 is answered in seconds.
    /// </summary>
    public const int MaxAlertsPerDelivery = 5000;

    public sealed record Answer(IReadOnlyList<AnswerItem> Alerts);

    public sealed record AnswerItem(Guid AlertId, Guid? IncidentId, Disposition Disposition);

    public static void Map(WebApplication app) =>
        app.MapPost("/api/webhooks/{source}", HandleAsync)
            .AllowAnonymous() // the source's own token or signature is checked below
            .WithTags("Alerts")
            .Produces<Answer>(StatusCodes.Status202Accepted)
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(413)
            .ProducesProblem(415).ProducesProblem(429).ProducesProblem(503);

    private static async Task<IResult> HandleAsync(
        string source,
        HttpContext context,
        SourceDirectory sources,
        SourceRateLimits rateLimits,
        Auth.FailedAttempts failures,
        GroupCommit ingestor,
        RespondMetrics metrics,
        TimeProvider clock,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var logger = loggers.CreateLogger(typeof(ReceiveWebhook));
        // Credentials first, and the same answer for a source that does not exist: a caller without
        // credentials learns nothing, and spends no real source's budget.
        var request = context.Request;
        var alertSource = await sources.FindAsync(source, cancellationToken);
        var (authentic, body, tooLarge) = await SourceAuthenticator.CheckAsync(alertSource, request, clock.GetUtcNow(), cancellationToken);
        var named = alertSource?.Name ?? "unknown";
        if (tooLarge)
        {
            return Refuse(metrics, named, StatusCodes.Status413PayloadTooLarge, "The body is too large.",
                $"A delivery may be at most {MaxBodyBytes} bytes.");
        }

        if (!authentic || alertSource is null)
        {
            LogRefusedCredentials(logger, named);
            if (failures.Webhooks.Fail(context) is { } failWait)
            {
                return Refuse(metrics, named, Problems.TooManyRequests(context, failWait));
            }

            return Refuse(metrics, named, StatusCodes.Status401Unauthorized,
                "The source's credentials are missing or wrong.",
                "Send the source's token as Authorization: Bearer or ?code=, or sign the body with X-Respond-Signature.");
        }

        if (rateLimits.TryTake(alertSource) is { } wait)
        {
            return Refuse(metrics, alertSource.Name, Problems.TooManyRequests(context, wait));
        }

        if (!RequestBodies.IsJson(request.ContentType))
        {
            return Refuse(metrics, alertSource.Name, StatusCodes.Status415UnsupportedMediaType, "The body must be JSON.",
                "Send Content-Type: application/json.");
        }

        body ??= request.ContentLength > MaxBodyBytes ? null : await RequestBodies.ReadCappedAsync(request.Body, MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            return Refuse(metrics, alertSource.Name, StatusCodes.Status413PayloadTooLarge, "The body is too large.",
                $"A delivery may be at most {MaxBodyBytes} bytes.");
        }

        // Invalid UTF-8 would fail reading a string deep in a parser; say so plainly instead.
        if (!System.Text.Unicode.Utf8.IsValid(body))
        {
            return Refuse(metrics, alertSource.Name, StatusCodes.Status400BadRequest, "The body is not valid JSON.",
                "The body is not UTF-8 text.");
        }

        // After the signature check, which is over the bytes as sent: NUL and lone surrogates become U+FFFD.
        RequestBodies.ReplaceUnstorableEscapes(body);

        IReadOnlyList<NormalizedAlert> alerts;
        try
        {
            using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 });
            alerts = alertSource.Parser.Parse(alertSource.Name, document.RootElement);
        }
        catch (JsonException ex)
        {
            return Refuse(metrics, alertSource.Name, StatusCodes.Status400BadRequest, "The body is not valid JSON.", ex.Message);
        }
        catch (AlertFormatException ex)
        {
            return Refuse(metrics, alertSource.Name, StatusCodes.Status400BadRequest,
                $"The body is not a {alertSource.Kind} alert.", ex.Message);
        }

        if (alerts.Count > MaxAlertsPerDelivery)
        {
            return Refuse(metrics, alertSource.Name, StatusCodes.Status413PayloadTooLarge, "The delivery has too many alerts.",
                $"A delivery may carry at most {MaxAlertsPerDelivery} alerts; this one has {alerts.Count}. Split it.");
        }

        var answers = new List<AnswerItem>(alerts.Count);
        try
        {
            foreach (var result in await ingestor.IngestAllAsync(alerts, cancellationToken))
            {
                answers.Add(new AnswerItem(result.AlertId, result.IncidentId, result.Disposition));
                metrics.AlertsIngested.Add(1,
                    new("source", alertSource.Name), new("kind", alertSource.Kind),
                    new("disposition", result.Disposition.ToString().ToLowerInvariant()));
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException && !StorageFailures.IsUnavailable(ex))
        {
            return NotStored(context, metrics, logger, alertSource.Name, ex);
        }

        metrics.IngestDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds,
            new KeyValuePair<string, object?>("source", alertSource.Name));
        return Results.Json(new Answer(answers), JsonConventions.Api, statusCode: StatusCodes.Status202Accepted);
    }

    /// <summary>
    /// An alert storage refused by itself (it failed alone, on a fresh connection). Data the database cannot
    /// take is 400: a retry would fail again. Anything else is 503: the retry finds the alerts already stored
    /// as duplicates and stores the rest.
    /// </summary>
    private static IResult NotStored(HttpContext context, RespondMetrics metrics, ILogger logger, string source, Exception ex)
    {
        LogNotStored(logger, source, ex);
        if (ex.GetBaseException() is PostgresException { SqlState: ['2', '2', ..] } data)
        {
            return Refuse(metrics, source, StatusCodes.Status400BadRequest, "An alert of the delivery could not be stored.",
                $"PostgreSQL refused its data: {data.MessageText}");
        }

        context.Response.Headers.RetryAfter = "5";
        return Refuse(metrics, source, StatusCodes.Status503ServiceUnavailable, "An alert of the delivery could not be stored.",
            "Retry the delivery: alerts already stored are answered as duplicates.");
    }

    private static void LogNotStored(ILogger logger, string source, Exception ex) =>
        logger.LogError(ex, "An alert delivered to source {Source} could not be stored", source);

    private static IResult Refuse(RespondMetrics metrics, string source, int status, string title, string detail)
    {
        metrics.DeliveriesRefused.Add(1, new("source", source), new("status", status));
        return Problems.Status(status, title, detail);
    }

    private static IResult Refuse(RespondMetrics metrics, string source, IResult tooMany)
    {
        metrics.DeliveriesRefused.Add(1, new("source", source), new("status", StatusCodes.Status429TooManyRequests));
        return tooMany;
    }

    private static void LogRefusedCredentials(ILogger logger, string source) =>
        logger.LogWarning("Refused a delivery to source {Source}: credentials missing or wrong", source);
}
