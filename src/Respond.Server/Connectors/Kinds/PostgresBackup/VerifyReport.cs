using System.Globalization;
using System.Text.Json.Nodes;

namespace Respond.Server.Connectors.Kinds.PostgresBackup;

/// <summary>
/// What a verification measured: the step's output when it passes, and <see cref="ConnectorException.Output"/> when
/// it fails, so a failed runbook still reports the backup's age, the restore time and every check.
/// </summary>
internal sealed class VerifyReport(FileInfo backup, DateTimeOffset now, TimeSpan maxAge)
{
    public string BackupFile { get; } = backup.Name;

    public TimeSpan Age { get; } = now - backup.LastWriteTimeUtc > TimeSpan.Zero ? now - backup.LastWriteTimeUtc : TimeSpan.Zero;

    public double? RestoreSeconds { get; set; }

    public List<CheckResult> Checks { get; set; } = [];

    public IEnumerable<CheckResult> Failed => Checks.Where(c => !c.Passed);

    public JsonObject ToJson(bool passed) => new()
    {
        ["backupFile"] = BackupFile,
        ["backupTakenAt"] = backup.LastWriteTimeUtc.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        ["backupAgeSeconds"] = (long)Math.Floor(Age.TotalSeconds),
        ["maxAgeSeconds"] = (long)Math.Floor(maxAge.TotalSeconds),
        ["restoreSeconds"] = RestoreSeconds is { } seconds ? Math.Round(seconds, 3) : null,
        ["checks"] = new JsonArray([.. Checks.Select(c => (JsonNode)c.ToJson())]),
        ["passed"] = passed,
    };

    /// <summary>"2 d 3 h", "5 h 12 min", "40 s": the two largest units, as a person reads an age.</summary>
    public static string Words(TimeSpan span)
    {
        var parts = new (long Value, string Unit)[]
        {
            ((long)span.TotalDays, "d"), (span.Hours, "h"), (span.Minutes, "min"), (span.Seconds, "s"),
        };
        var first = Array.FindIndex(parts, p => p.Value > 0);
        if (first < 0)
        {
            return "0 s";
        }

        return string.Join(' ', parts.Skip(first).Take(2).Where(p => p.Value > 0)
            .Select(p => $"{p.Value.ToString(CultureInfo.InvariantCulture)} {p.Unit}"));
    }
}
