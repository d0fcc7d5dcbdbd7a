using System.Text.Json;
using Respond.Domain.Alerts;
using Respond.Domain.Common;
using Respond.Server.Alerts;
using Respond.Server.Auth;
using Respond.Server.Hosting;

namespace Respond.Server.Sources;

/// <summary>
/// <c>POST /api/sources/{name}/test</c>: an admin checks a source end to end without its sender. One low-severity alert,
/// "Test alert from {name}", goes through the same ingestion as a delivery (correlation, incident, triggers), under the
/// source's name and kind; each test opens its own incident. 202 with the alert's answer, as the webhook gives it.
/// </summary>
public static class SendTestAlertEndpoint
{
    public static void Map(RouteGroupBuilder group) => group.MapPost("/{name}/test", async (string name, HttpContext context,
        SourceDirectory sources, GroupCommit ingestor, TimeProvider clock, CancellationToken ct) =>
    {
        if (await sources.FindAsync(name, ct) is not { } source)
        {
            return Problems.NotFound($"No source {name}.");
        }

        var ingested = await ingestor.IngestAsync(Sample(source, context.User.Actor(), clock.GetUtcNow()), ct);
        var answer = new ReceiveWebhook.Answer([new ReceiveWebhook.AnswerItem(ingested.AlertId, ingested.IncidentId, ingested.Disposition)]);
        return Results.Json(answer, JsonConventions.Api, statusCode: StatusCodes.Status202Accepted);
    }).RequireAuthorization(Roles.Admin).Produces<ReceiveWebhook.Answer>(StatusCodes.Status202Accepted).ProducesProblem(404);

    public static NormalizedAlert Sample(AlertSource source, string actor, DateTimeOffset now)
    {
        var id = $"respond-test-{Guid.CreateVersion7():N}";
        return new NormalizedAlert
        {
            Source = source.Name,
            Kind = source.Kind,
            ExternalId = id,
            DedupKey = id,
            CorrelationKey = id,
            Title = $"Test alert from {source.Name}",
            Description = $"Sent by {actor} from the Sources page to check that alerts from {source.Name} reach the queue. "
                + "Close it as a false positive.",
            Severity = Severity.Low,
            Status = AlertStatus.Firing,
            FiredAt = now,
            Category = "RespondTest",
            Labels = new Dictionary<string, string> { ["respond.test"] = "true" },
            Raw = JsonSerializer.SerializeToElement(new { test = true, source = source.Name, kind = source.Kind, sentBy = actor }),
        };
    }
}
