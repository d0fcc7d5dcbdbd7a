using System.Text.Json.Nodes;
using Marten;
using Respond.Domain.Incidents;
using Respond.Domain.Playbooks.Definitions;
using Respond.Domain.Playbooks.Runs;
using Respond.Server.Auth;
using Respond.Server.Hosting;
using Respond.Server.Playbooks.Library;

namespace Respond.Server.Playbooks.Runs;

/// <summary>
/// <c>POST /api/incidents/{id}/runs</c> <c>{playbookId, vars}</c>: a responder starts the newest
/// published version by hand. Whoever starts it cannot approve its steps (four eyes).
/// </summary>
public static class StartRunByHand
{
    public sealed record Body(string? PlaybookId, JsonObject? Vars);

    public static void Map(WebApplication app) => app.MapPost("/api/incidents/{id:guid}/runs", async (
        Guid id, HttpContext context, IQuerySession query, IPlaybookCatalog catalog, RunTransitions transitions, CancellationToken ct) =>
    {
        var (body, error) = await CommandBodies.ReadAsync<Body>(context.Request, ct);
        if (error is not null)
        {
            return error;
        }

        if (string.IsNullOrWhiteSpace(body?.PlaybookId))
        {
            return Problems.BadRequest("playbookId is required.");
        }

        if (await query.LoadAsync<Incident>(id, ct) is not { } incident)
        {
            return Problems.NotFound($"No incident {id}.");
        }

        if (await catalog.LatestAsync(body.PlaybookId, ct) is not { } playbook)
        {
            return Problems.NotFound($"No published playbook '{body.PlaybookId}'.");
        }

        if (playbook.Definition.Trigger.On == TriggerKinds.Schedule)
        {
            return Problems.BadRequest($"'{playbook.Id}' is a runbook: it runs on its schedule, not against an incident.");
        }

        var vars = catalog.VarsFor(playbook);
        foreach (var (name, value) in body.Vars ?? [])
        {
            vars[name] = value?.DeepClone();
        }

        var runId = Guid.CreateVersion7();
        var run = await transitions.StartAsync(playbook,
            new StartRun(runId, playbook.Version, incident.Id, TriggerKinds.Manual, $"manual:{runId}", ByHand: true, vars),
            context.User.Actor(), ct);
        return Results.Created($"/api/runs/{runId}", RunView.Of(run!, playbook.Definition));
    }).RequireAuthorization(Roles.Responder).WithTags("Runs")
        .Produces<RunView>(StatusCodes.Status201Created).ProducesProblem(400).ProducesProblem(404);
}
