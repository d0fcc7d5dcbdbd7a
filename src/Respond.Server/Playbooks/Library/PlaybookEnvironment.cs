using System.Text.Json.Nodes;
using Marten;
using Respond.Domain.Playbooks.Definitions;
using Respond.Server.Connectors;

namespace Respond.Server.Playbooks.Library;

/// <summary>What validation sees of the server: its connectors, the playbooks that exist, the cron check.</summary>
public sealed class PlaybookEnvironment(IConnectors connectors, IReadOnlySet<string> playbooks) : IPlaybookEnvironment
{
    /// <summary>
    /// The published playbooks as they are now, plus <paramref name="alongside"/>: playbooks about to be
    /// published together (the files of the playbooks folder may call each other).
    /// </summary>
    public static async Task<PlaybookEnvironment> LoadAsync(
        IConnectors connectors, IQuerySession session, IEnumerable<string>? alongside, CancellationToken ct)
    {
        var published = await session.Query<PlaybookHead>().Where(h => h.LatestVersion > 0).Select(h => h.Id).ToListAsync(ct);
        var playbooks = new HashSet<string>(published, StringComparer.Ordinal);
        playbooks.UnionWith(alongside ?? []);
        return new PlaybookEnvironment(connectors, playbooks);
    }

    public IReadOnlyList<string>? OperationsOf(string connector) =>
        connectors.Find(connector)?.Operations.Select(o => o.Name).ToList();

    public IReadOnlyList<string> ValidateInput(string connector, string operation, JsonObject input) =>
        connectors.ValidateInput(connector, operation, input);

    public bool PlaybookExists(string playbookId) => playbooks.Contains(playbookId);

    public string? CheckSchedule(string cron, string? timeZone) => CronSchedule.Problem(cron, timeZone);
}
