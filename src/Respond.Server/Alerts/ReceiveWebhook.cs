using System.Diagnostics;
using System.Text.Json;
using Respond.Domain.Alerts;
using Respond.Server.Hosting;

namespace Respond.Server.Alerts;

/// <summary>
/// <c>POST /api/webhooks/{source}</c>: a source's native JSON in, <c>202</c> only once every alert
/// in it is committed. Every refusal stores nothing and says why.
/// </summary>
public static class ReceiveWebhook
{
    public const int MaxBodyBytes = RequestBodies.MaxBytes;

    public sealed record Answer(IReadOnlyList<AnswerItem> Alerts);

    public sealed record AnswerItem(Guid AlertId, Guid? IncidentId, Disposition Disposition);

    public static void AddAlertIngestion(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<Dictionary<string, SourceOptions>>(builder.Configuration.GetSection("Respond:Sources"));
        builder.Services.AddSingleton<AlertSources>();
        builder.Services.AddSingleton<SourceRateLimits>();
        builder.Services.AddSingleton<AlertSessions>();
        builder.Services.AddSingleton<AlertIngestor>();
        builder.Services.AddSingleton<GroupCommit>();
        builder.Services.AddSingleton(TimeProvider.System);
    }

    public static void MapAlertWebhooks(this WebApplication app) =>
        app.MapPost("/api/webhooks/{source}", HandleAsync)
            .AllowAnonymous() // the source's own token or signature is checked below
            .WithTags("Alerts")
            .Produces<Answer>(StatusCodes.Status202Accepted)
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(413)
            .ProducesProblem(415).ProducesProblem(429).ProducesProblem(503);

    private static async Task<IResult> HandleAsync(
        string source,
        HttpContext context,
        AlertSources sources,
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
        var known = sources.TryGet(source, out var alertSource);
        var (authentic, body, tooLarge) = await SourceAuthenticator.CheckAsync(known ? alertSource : null, request, clock.GetUtcNow(),
            cancellationToken);
        if (tooLarge)
        {
            return Refuse(metrics, known ? alertSource.Name : "unknown", StatusCodes.Status413PayloadTooLarge, "The body is too large.",
                $"A delivery may be at most {MaxBodyBytes} bytes.");
        }

        if (!authentic)
        {
            LogRefusedCredentials(logger, known ? alertSource.Name : "unknown");
            if (failures.Webhooks.Fail(context) is { } failWait)
            {
                return Refuse(metrics, known ? alertSource.Name : "unknown", Problems.TooManyRequests(context, failWait));
            }

            return Refuse(metrics, known ? alertSource.Name : "unknown", StatusCodes.Status401Unauthorized,
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

        var answers = new List<AnswerItem>(alerts.Count);
        foreach (var alert in alerts)
        {
            var result = await ingestor.IngestAsync(alert, cancellationToken);
            answers.Add(new AnswerItem(result.AlertId, result.IncidentId, result.Disposition));
            metrics.AlertsIngested.Add(1,
                new("source", alertSource.Name), new("kind", alertSource.Kind), new("disposition", result.Disposition.ToString().ToLowerInvariant()));
        }

        metrics.IngestDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, new KeyValuePair<string, object?>("source", alertSource.Name));
        return Results.Json(new Answer(answers), JsonConventions.Api, statusCode: StatusCodes.Status202Accepted);
    }

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
