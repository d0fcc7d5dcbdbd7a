using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Npgsql;
using static Respond.Server.Connectors.InputSchema;

namespace Respond.Server.Connectors.Kinds.PostgresStandby;

/// <summary>
/// <c>postgres-standby</c>: a test failover in Azure Site Recovery's sense, which never fails the primary over. It writes a
/// canary row on the primary, copies the primary with <c>pg_basebackup</c> into a scratch folder, runs the copy as a
/// streaming standby on a loopback port until it has replayed the canary, then promotes it: RPO is the replay lag at
/// promotion, RTO the time from the promotion request to the copy's first write. The copy and its folder are always
/// removed, and the canary deleted from the primary. Settings: <c>ConnectionString</c> (a REPLICATION or superuser role),
/// <c>RtoTarget</c> (default PT60S), <c>ScratchPath</c>, <c>BinPath</c>, <c>ReadyTimeout</c> (default PT5M).
/// </summary>
public sealed class PostgresStandbyConnector(ILogger<PostgresStandbyConnector> logger) : IConnectorKind
{
    public string Kind => "postgres-standby";

    public IReadOnlyList<ConnectorOperation> Operations { get; } =
    [
        new("test-failover",
            "Copy the primary as a streaming standby on this machine, promote the copy and measure RTO and RPO; the primary keeps running.",
            Object([], ("rtoTarget", String("ISO-8601 duration the RTO must stay within, e.g. PT30S; the setting RtoTarget when omitted.")))),
    ];

    public async Task<JsonNode?> ExecuteAsync(ConnectorRequest request, CancellationToken cancellationToken)
    {
        var settings = StandbySettings.Read(request);
        var report = new DrillReport(settings.RtoTarget);
        var phase = $"writing the canary on the primary {settings.Where}";
        try
        {
            var (canary, limits) = await DrillMeasurements.WriteCanaryAsync(settings, cancellationToken);
            report.Canary = canary;
            phase = "preparing the scratch folder";
            await using var copy = StandbyCopy.Create(settings, logger);
            using var ready = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            ready.CancelAfter(settings.ReadyTimeout);
            var readyClock = Stopwatch.StartNew();
            phase = $"copying the primary {settings.Where} with pg_basebackup";
            await copy.BaseBackupAsync(ready.Token);
            phase = "starting the copy as a standby";
            await using var connection = await copy.StartAsync(limits, ready.Token);
            phase = $"waiting for the copy to replay up to the canary ({canary.Lsn})";
            await DrillMeasurements.WaitForReplayAsync(connection, copy, canary, ready.Token);
            report.StandbyReady = readyClock.Elapsed;

            phase = "turning fsync on in the copy";
            await copy.EnableFsyncAsync(connection, ready.Token);
            phase = "measuring the replay lag";
            report.Lag = await DrillMeasurements.ReplayLagAsync(settings, connection, cancellationToken);
            phase = "promoting the copy and writing to it";
            using var promotion = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            promotion.CancelAfter(settings.ReadyTimeout);
            report.Rto = await DrillMeasurements.PromoteAsync(connection, copy, promotion.Token);
            phase = "looking for the canary on the promoted copy";
            report.CanaryFound = await DrillMeasurements.HasCanaryAsync(connection, canary, cancellationToken);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw Failed(request, report, $"{phase} took longer than ReadyTimeout ({Seconds(settings.ReadyTimeout)} s).", retryable: true);
        }
        catch (Exception e) when (e is DrillException or NpgsqlException or TimeoutException or IOException or Win32Exception
                                       or InvalidOperationException or UnauthorizedAccessException)
        {
            var (reason, retryable) = Explain(e, settings);
            throw Failed(request, report, $"failed while {phase}: {reason}", retryable);
        }
        finally
        {
            if (report.Canary is { } written && !await DrillMeasurements.DeleteCanaryAsync(settings, written))
            {
                logger.LogWarning("Could not delete failover drill canary {Canary} from {Table} on {Primary}",
                    written.Id, DrillMeasurements.CanaryTable, settings.Where);
            }
        }

        logger.LogInformation("Failover drill of {Primary}: RTO {Rto:0.###} s (target {Target:0.###} s), replay lag {LagSeconds:0.###} s / " +
            "{LagBytes} bytes, canary found: {Found}", settings.Where, report.Rto!.Value.TotalSeconds, settings.RtoTarget.TotalSeconds,
            report.Lag!.Seconds, report.Lag.Bytes, report.CanaryFound);
        var problems = report.Problems();
        if (problems.Count > 0)
        {
            // The drill ran: a missed target is a finding, and running it again will not change it.
            throw Failed(request, report, string.Join("; ", problems) + ".", retryable: false);
        }

        return report.ToJson(passed: true);
    }

    private static (string Reason, bool Retryable) Explain(Exception e, StandbySettings settings) => e switch
    {
        DrillException drill => (drill.Message, drill.Retryable),
        PostgresException { SqlState: PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification } =>
            ("the server refused the configured credentials.", false),
        PostgresException { SqlState: PostgresErrorCodes.InsufficientPrivilege } refused =>
            ($"the role may not do this ({settings.Redact(refused.MessageText)}); it needs REPLICATION and the right to create "
                + $"and write {DrillMeasurements.CanaryTable}, or superuser.", false),
        PostgresException refused => ($"the server answered {refused.SqlState}: {settings.Redact(refused.MessageText)}.",
            refused.IsTransient),
        NpgsqlException failed => ($"could not reach the server ({settings.Redact(Innermost(failed).Message)}).", true),
        TimeoutException => ("a PostgreSQL program did not finish in time.", true),
        _ => ($"{e.GetType().Name}: {settings.Redact(e.Message)}", false),
    };

    private static Exception Innermost(Exception e) => e.InnerException is { } inner && inner is SocketException or IOException or TimeoutException
        ? Innermost(inner)
        : e;

    private static ConnectorException Failed(ConnectorRequest request, DrillReport report, string reason, bool retryable) =>
        new($"Connector '{request.ConnectorName}' {request.Operation}: {reason}", retryable) { Output = report.ToJson(passed: false) };

    private static string Seconds(TimeSpan duration) => duration.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
}
