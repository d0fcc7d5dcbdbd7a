using Npgsql;
using Respond.Domain.Playbooks.Definitions;
using Respond.Server.Storage.Embedded;

namespace Respond.Server.Connectors.Kinds.PostgresBackup;

/// <summary>
/// A <c>postgres-backup</c> connector's settings. Messages name a key, never its value: <c>ConnectionString</c>
/// holds a password.
/// </summary>
internal sealed record BackupSettings(
    string BackupPath,
    NpgsqlConnectionStringBuilder Server,
    TimeSpan MaxAge,
    string MaxAgeText,
    TimeSpan CheckTimeout)
{
    public static readonly TimeSpan DefaultCheckTimeout = TimeSpan.FromSeconds(30);

    public static BackupSettings Read(ConnectorRequest request)
    {
        var maxAgeText = request.Setting("MaxAge");
        return new BackupSettings(
            request.Setting("BackupPath"),
            ServerOf(request),
            Duration(request, "MaxAge", maxAgeText),
            maxAgeText,
            request.OptionalSetting("CheckTimeout") is { } timeout ? Duration(request, "CheckTimeout", timeout) : DefaultCheckTimeout);
    }

    /// <summary>
    /// pg_restore from <c>BinPath</c>; else from the folder the embedded cluster would use; else the first on PATH.
    /// </summary>
    public static string LocatePgRestore(ConnectorRequest request)
    {
        if (request.OptionalSetting("BinPath") is { } configured)
        {
            var executable = PostgresBinaries.Executable(configured, "pg_restore");
            return File.Exists(executable)
                ? executable
                : throw Misconfigured(request, $"the setting BinPath ({configured}) holds no pg_restore.");
        }

        var candidates = new[] { PostgresBinaries.Find() }
            .Concat((Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));
        return candidates.OfType<string>().Select(folder => PostgresBinaries.Executable(folder, "pg_restore")).FirstOrDefault(File.Exists)
            ?? throw Misconfigured(request, "pg_restore was not found; set BinPath to the folder that holds it.");
    }

    private static NpgsqlConnectionStringBuilder ServerOf(ConnectorRequest request)
    {
        try
        {
            return new NpgsqlConnectionStringBuilder(request.Setting("ConnectionString"));
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException or OverflowException)
        {
            throw Misconfigured(request, "the setting ConnectionString is not a PostgreSQL connection string.");
        }
    }

    private static TimeSpan Duration(ConnectorRequest request, string key, string text) =>
        IsoDuration.TryParse(text, out var duration) && duration > TimeSpan.Zero
            ? duration
            : throw Misconfigured(request, $"the setting {key} is not a positive ISO-8601 duration (e.g. PT26H).");

    private static ConnectorException Misconfigured(ConnectorRequest request, string reason) =>
        new($"Connector '{request.ConnectorName}': {reason}", retryable: false);
}
