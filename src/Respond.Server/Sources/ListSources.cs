using Marten;
using Respond.Domain.Sources;
using Respond.Server.Alerts;
using Respond.Server.Auth;
using Respond.Server.Hosting;

namespace Respond.Server.Sources;

/// <summary><c>GET /api/sources</c>: every source, configured or added in the console, with how it authenticates; never a secret.</summary>
public static class ListSources
{
    public sealed record Item(string Name, string Kind, string WebhookPath, string Origin, IReadOnlyList<string> Auth);

    public sealed record Answer(IReadOnlyList<Item> Items);

    public const string FromConfiguration = "configuration";
    public const string FromConsole = "console";

    public static void Map(RouteGroupBuilder group) => group.MapGet("/", async (AlertSources configured, IQuerySession session,
        CancellationToken ct) =>
    {
        var items = configured.All
            .Select(s => new Item(s.Name, s.Kind, SourceAnswers.WebhookPath(s.Name), FromConfiguration, AuthWords(s.HasToken, s.HasSigningKey)))
            .ToList();
        // Read from the database, not the webhook's cache: the admin who just added a source sees it.
        foreach (var record in await session.Query<ConsoleSourceRecord>().ToListAsync(ct))
        {
            items.Add(new Item(record.Name, record.Kind, SourceAnswers.WebhookPath(record.Name), FromConsole,
                AuthWords(record.Auth == SourceAuth.Token, record.Auth == SourceAuth.Signature)));
        }

        return Results.Json(new Answer([.. items.OrderBy(i => i.Name, StringComparer.OrdinalIgnoreCase)]), JsonConventions.Api);
    }).RequireAuthorization(Roles.Viewer).Produces<Answer>();

    private static string[] AuthWords(bool token, bool signature) => token && signature
        ? ["token", "signature"]
        : token ? ["token"] : signature ? ["signature"] : [];
}
