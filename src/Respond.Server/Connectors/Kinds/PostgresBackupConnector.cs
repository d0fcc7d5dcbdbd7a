using System.Diagnostics;
using System.Text.Json.Nodes;
using Npgsql;
using Respond.Server.Connectors.Kinds.PostgresBackup;
using static Respond.Server.Connectors.InputSchema;

namespace Respond.Server.Connectors.Kinds;

/// <summary>
/// <c>postgres-backup</c>: <c>verify</c> proves the newest backup restores and passes its checks. Settings:
/// <c>BackupPath</c> (a folder; its newest <c>*.dump</c>, a <c>pg_dump -Fc</c> file, is the latest backup),
/// <c>ConnectionString</c> (a server where scratch databases may be created; its Password is a secret),
/// <c>MaxAge</c> (the RPO, ISO-8601), optional <c>BinPath</c> (pg_restore's folder) and <c>CheckTimeout</c> (per check
/// statement, default PT30S). The backup is restored into a scratch database that is always dropped afterwards.
/// </summary>
public sealed class PostgresBackupConnector(TimeProvider clock, ILogger<PostgresBackupConnector> logger) : IConnectorKind, IChecksInput
{
    public string Kind => "postgres-backup";

    public IReadOnlyList<ConnectorOperation> Operations { get; } =
    [
        new("verify", "Check the newest backup is younger than MaxAge, restore it into a scratch database, and run the checks there.",
            Object([],
                ("tables", ArrayOf(String("schema.table, or table (in public)."), "Tables that must exist.")),
                ("minRows", new JsonObject
                {
                    ["type"] = "object",
                    ["description"] = "Table name → the fewest rows it may hold.",
                    ["additionalProperties"] = Integer("Minimum row count.", minimum: 0),
                }),
                ("queries", ArrayOf(String("One SELECT statement."), "Read-only queries that must each return at least one row.")))),
    ];

    public IReadOnlyList<string> CheckInput(string operation, JsonObject input) => CheckPlan.Problems(input);

    public async Task<JsonNode?> ExecuteAsync(ConnectorRequest request, CancellationToken cancellationToken)
    {
        var settings = BackupSettings.Read(request);
        var plan = CheckPlan.Read(request);
        var backup = NewestBackup(request, settings.BackupPath);
        var now = clock.GetUtcNow();
        var report = new VerifyReport(backup, now, settings.MaxAge);
        if (report.Age > settings.MaxAge)
        {
            throw Failed(request, $"The newest backup, {backup.Name}, is {VerifyReport.Words(report.Age)} old; MaxAge is {settings.MaxAgeText}.",
                report, retryable: false);
        }

        var pgRestore = BackupSettings.LocatePgRestore(request);
        var scratch = new ScratchDatabase(settings.Server, ScratchDatabase.NewName(now));
        try
        {
            await scratch.CreateAsync(cancellationToken);
            await RestoreAsync(request, pgRestore, settings, scratch, backup, report, cancellationToken);
            report.Checks = await BackupCheckRunner.RunAsync(scratch, plan, settings.CheckTimeout, cancellationToken);
        }
        catch (NpgsqlException e)
        {
            var reason = e is PostgresException postgres ? postgres.MessageText : e.Message.ReplaceLineEndings(" ");
            throw Failed(request, $"PostgreSQL at {settings.Server.Host}:{settings.Server.Port}: {reason}", report, e.IsTransient);
        }
        finally
        {
            if (await scratch.DropAsync() is { } problem)
            {
                logger.LogWarning("Connector {Connector} could not drop the scratch database {Database}: {Reason}",
                    request.ConnectorName, scratch.Name, problem);
            }
        }

        if (report.Failed.ToList() is { Count: > 0 } failed)
        {
            throw Failed(request, $"{failed.Count} of {report.Checks.Count} checks on {backup.Name} failed: "
                + string.Join("; ", failed.Select(c => $"{c.Name} ({c.Detail})")) + ".", report, retryable: false);
        }

        return report.ToJson(passed: true);
    }

    private static FileInfo NewestBackup(ConnectorRequest request, string folder)
    {
        var options = new EnumerationOptions { MatchCasing = MatchCasing.CaseInsensitive, IgnoreInaccessible = true };
        try
        {
            return new DirectoryInfo(folder).EnumerateFiles("*.dump", options).MaxBy(f => f.LastWriteTimeUtc)
                ?? throw Failed(request, $"No backup (*.dump) in {folder}.", null, retryable: false);
        }
        catch (DirectoryNotFoundException)
        {
            throw Failed(request, $"The backup folder {folder} does not exist.", null, retryable: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Failed(request, $"The backup folder {folder} cannot be read: {e.GetType().Name}.", null, retryable: false);
        }
    }

    private static async Task RestoreAsync(ConnectorRequest request, string pgRestore, BackupSettings settings, ScratchDatabase scratch,
        FileInfo backup, VerifyReport report, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        RestoreOutcome outcome;
        try
        {
            outcome = await PgRestore.RunAsync(pgRestore, settings.Server, scratch.Name, backup.FullName, request.Timeout, cancellationToken);
        }
        catch (TimeoutException e)
        {
            report.RestoreSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            throw Failed(request, $"restoring {backup.Name}: {e.Message}", report, retryable: true);
        }

        report.RestoreSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        if (outcome.ExitCode != 0)
        {
            // A server that could not be reached is worth another attempt; a dump pg_restore cannot read is not.
            var reason = outcome.Reason ?? $"pg_restore exited with code {outcome.ExitCode}";
            throw Failed(request, $"{backup.Name} does not restore: {reason}", report,
                retryable: reason.Contains("connection to server", StringComparison.Ordinal));
        }
    }

    private static ConnectorException Failed(ConnectorRequest request, string reason, VerifyReport? report, bool retryable) =>
        new($"Connector '{request.ConnectorName}' {request.Operation}: {reason}", retryable) { Output = report?.ToJson(passed: false) };
}
