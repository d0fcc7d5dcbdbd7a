using System.Text.Json;
using System.Text.Json.Nodes;
using static Respond.Server.Connectors.InputSchema;
using static Respond.Server.Connectors.Kinds.RecoveryServicesApi;

namespace Respond.Server.Connectors.Kinds;

/// <summary>
/// <c>azure-backup</c>: verifies an Azure Backup protected item (an IaaS VM) the way <c>postgres-backup</c> verifies a
/// dump, through the Recovery Services backup API: its newest recovery point exists and is younger than <c>MaxAge</c>
/// (the RPO), and restoring it to the alternate location configured in settings completes. Settings: those of
/// <see cref="RecoveryServicesApi"/> and <see cref="MicrosoftApi"/>, <c>FabricName</c> (default Azure),
/// <c>ContainerName</c>, <c>ProtectedItemName</c>, <c>MaxAge</c>, and the restore target (see <see cref="RestoreBody"/>).
/// </summary>
public sealed partial class AzureBackupConnector(MicrosoftApi microsoft, TimeProvider clock) : IConnectorKind
{
    public const string DefaultApiVersion = "2026-02-01";

    // A vault lists its recovery points a page at a time; a year of daily points is a few pages.
    private const int MaxPages = 50;

    private static readonly string[] SqlCheckInputs = ["tables", "minRows", "queries"];

    private readonly RecoveryServicesApi api = new(microsoft, clock);

    public string Kind => "azure-backup";

    public IReadOnlyList<ConnectorOperation> Operations { get; } =
    [
        new("verify", "Check that the newest recovery point is younger than MaxAge, restore it to the configured alternate location, "
            + "and wait for the restore job to complete. SQL checks (tables, minRows, queries) belong to postgres-backup: here they "
            + "must be empty.", Object([],
            ("tables", Any("postgres-backup's tables to count; azure-backup cannot run SQL checks, so this must be empty.")),
            ("minRows", Any("postgres-backup's minimum row counts; must be empty here.")),
            ("queries", Any("postgres-backup's SQL checks; must be empty here.")))),
    ];

    public async Task<JsonNode?> ExecuteAsync(ConnectorRequest request, CancellationToken cancellationToken)
    {
        RefuseSqlChecks(request);
        var maxAge = DurationSetting(request, "MaxAge") ?? throw new ConnectorException(
            $"Connector '{request.ConnectorName}' is missing the setting Respond:Connectors:{request.ConnectorName}:MaxAge "
                + "(the RPO, e.g. P1D).", retryable: false);
        var itemPath = ProtectedItemPath(request);
        var deadline = api.StartDeadline(request);

        var newest = await NewestRecoveryPointAsync(request, itemPath, cancellationToken);
        var figures = new JsonObject
        {
            ["recoveryPointId"] = newest?.Id,
            ["recoveryPointTime"] = newest?.Time.ToString("O"),
            ["backupAgeSeconds"] = newest is null ? null : Seconds(clock.GetUtcNow() - newest.Time),
            ["maxAgeSeconds"] = Seconds(maxAge),
        };
        if (newest is null)
        {
            throw Failed(request, "the protected item has no recovery point, so there is no backup to verify; no restore was started.",
                figures);
        }

        var age = clock.GetUtcNow() - newest.Time;
        if (age > maxAge)
        {
            throw Failed(request, $"the newest recovery point ({newest.Id}, taken {newest.Time:O}) is {Seconds(age)} s old, older than "
                + $"MaxAge {request.Setting("MaxAge")} ({Seconds(maxAge)} s); no restore was started.", figures);
        }

        var (jobId, status, restoreSeconds) = await RestoreAsync(request, itemPath, newest.Id, deadline, figures, cancellationToken);
        figures["jobId"] = jobId;
        figures["status"] = status;
        figures["restoreSeconds"] = restoreSeconds;
        figures["checks"] = new JsonArray();
        figures["passed"] = true;
        return figures;
    }

    private static void RefuseSqlChecks(ConnectorRequest request)
    {
        var given = SqlCheckInputs.Where(name => !IsEmpty(request.Input[name])).ToList();
        if (given.Count > 0)
        {
            throw InputValues.Refused(request, $"azure-backup cannot run SQL checks, but input.{string.Join(" and input.", given)} "
                + "asked for them; it restores a whole VM, not a database it can query. Leave them out, or verify the database's dump "
                + "with a postgres-backup connector.");
        }
    }

    private static bool IsEmpty(JsonNode? node) => node switch
    {
        null => true,
        JsonArray array => array.Count == 0,
        JsonObject obj => obj.Count == 0,
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => string.IsNullOrWhiteSpace(value.GetValue<string>()),
            JsonValueKind.Number => value.GetValue<double>() == 0,
            JsonValueKind.False or JsonValueKind.Null => true,
            _ => false,
        },
        _ => false,
    };

    private static string ProtectedItemPath(ConnectorRequest request) => string.Join('/', VaultPath(request),
        "backupFabrics", SettingSegment(request, "FabricName", "Azure"),
        "protectionContainers", SettingSegment(request, "ContainerName"),
        "protectedItems", SettingSegment(request, "ProtectedItemName"));

    private sealed record RecoveryPoint(string Id, DateTimeOffset Time);

    private async Task<RecoveryPoint?> NewestRecoveryPointAsync(ConnectorRequest request, string itemPath,
        CancellationToken cancellationToken)
    {
        RecoveryPoint? newest = null;
        var answer = await api.SendAsync(request, HttpMethod.Get, itemPath + "/recoveryPoints", DefaultApiVersion, null, cancellationToken);
        for (var page = 1; ; page++)
        {
            if (answer.JsonOrText() is not JsonObject body || body["value"] is not JsonArray points)
            {
                throw Failed(request, $"the list of recovery points was not the JSON ARM sends{(answer.Truncated ? " (too large)" : "")}.",
                    null, retryable: true);
            }

            foreach (var point in points.OfType<JsonObject>())
            {
                var id = Text(point["name"]) ?? Text(point["id"])?.Split('/')[^1];
                if (id is { Length: > 0 } && Time(point["properties"]?["recoveryPointTime"]) is { } time && (newest is null || time > newest.Time))
                {
                    newest = new RecoveryPoint(id, time);
                }
            }

            if (Text(body["nextLink"]) is not { Length: > 0 } next || page >= MaxPages)
            {
                return newest;
            }

            if (!Uri.TryCreate(next, UriKind.Absolute, out var nextUrl))
            {
                throw Failed(request, "the list of recovery points had a nextLink that is not an absolute URL.", null);
            }

            answer = await api.FollowAsync(request, nextUrl, "nextLink", cancellationToken);
        }
    }

    private static ConnectorException Failed(ConnectorRequest request, string reason, JsonObject? figures, bool retryable = false)
    {
        JsonObject? output = null;
        if (figures is not null)
        {
            output = (JsonObject)figures.DeepClone();
            output["checks"] = new JsonArray();
            output["passed"] = false;
        }

        return new ConnectorException($"Connector '{request.ConnectorName}' {request.Operation}: {reason}", retryable) { Output = output };
    }
}
