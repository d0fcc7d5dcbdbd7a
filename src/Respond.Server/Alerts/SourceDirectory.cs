namespace Respond.Server.Alerts;

/// <summary>Sources added at run time (the console's), looked up by the webhook after the configured ones.</summary>
public interface IAddedSources
{
    /// <summary>The added source of that name (case-insensitive), or null; at most a second or two behind the database.</summary>
    ValueTask<AlertSource?> FindAsync(string name, CancellationToken ct);
}

/// <summary>
/// Every source a delivery may name: configured ones first (they cannot be shadowed), then added ones. An unknown name
/// is null, and the webhook answers it exactly like a known source with wrong credentials.
/// </summary>
public sealed class SourceDirectory(AlertSources configured, IEnumerable<IAddedSources> added)
{
    public async ValueTask<AlertSource?> FindAsync(string name, CancellationToken ct)
    {
        if (configured.TryGet(name, out var source))
        {
            return source;
        }

        foreach (var more in added)
        {
            if (await more.FindAsync(name, ct) is { } found)
            {
                return found;
            }
        }

        return null;
    }
}
