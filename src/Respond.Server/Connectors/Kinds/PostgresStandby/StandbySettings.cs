using System.Globalization;
using Npgsql;
using Respond.Domain.Playbooks.Definitions;
using Respond.Server.Storage.Embedded;

namespace Respond.Server.Connectors.Kinds.PostgresStandby;

/// <summary>
/// A drill's settings, read once. The connection string's password is a secret: messages name the primary by host and
/// port only, and <see cref="Redact"/> masks the password in any text that came from elsewhere (a server's message,
/// pg_basebackup's output), since the connector's scrubber may not know a password inside a connection string.
/// </summary>
internal sealed record StandbySettings(
    NpgsqlConnectionStringBuilder Primary,
    TimeSpan RtoTarget,
    TimeSpan ReadyTimeout,
    string ScratchRoot,
    string BinFolder,
    string? RunUser)
{
    public static readonly TimeSpan DefaultRtoTarget = TimeSpan.FromSeconds(60);

    public static readonly TimeSpan DefaultReadyTimeout = TimeSpan.FromMinutes(5);

    /// <summary>The primary as messages name it: host and port, never the connection string.</summary>
    public string Where => $"{Primary.Host}:{Primary.Port.ToString(CultureInfo.InvariantCulture)}";

    public string? Password => Primary.Password is { Length: > 0 } password ? password : null;

    public static StandbySettings Read(ConnectorRequest request)
    {
        var primary = PrimaryOf(request);
        var rtoTarget = Duration(request, request.OptionalString("rtoTarget"), "input.rtoTarget")
            ?? Duration(request, request.OptionalSetting("RtoTarget"), "the setting RtoTarget") ?? DefaultRtoTarget;
        var ready = Duration(request, request.OptionalSetting("ReadyTimeout"), "the setting ReadyTimeout") ?? DefaultReadyTimeout;
        var scratch = Path.GetFullPath(request.OptionalSetting("ScratchPath") ?? Path.GetTempPath());
        var bin = request.OptionalSetting("BinPath") ?? PostgresBinaries.Find()
            ?? throw Refused(request, "no PostgreSQL binaries were found (PATH, pg_config, /usr/lib/postgresql); set BinPath.");
        foreach (var tool in new[] { "pg_basebackup", "postgres", "pg_ctl" })
        {
            if (!File.Exists(PostgresBinaries.Executable(bin, tool)))
            {
                throw Refused(request, $"{bin} has no {tool}; set BinPath to the bin folder of PostgreSQL's server binaries.");
            }
        }

        return new StandbySettings(primary, rtoTarget, ready, scratch, bin,
            EmbeddedPostgres.IsRoot() ? EmbeddedPostgres.SystemUser : null);
    }

    /// <summary>The password, wherever it occurs in <paramref name="text"/>, masked.</summary>
    public string Redact(string text) =>
        Password is { } password ? text.Replace(password, SecretScrubber.Mask, StringComparison.Ordinal) : text;

    /// <summary>What libpq's programs need besides their arguments: the password travels only in the environment.</summary>
    public Dictionary<string, string> LibpqEnvironment() => Kinds.LibpqEnvironment.For(Primary, "respond-drill", 10);

    private static NpgsqlConnectionStringBuilder PrimaryOf(ConnectorRequest request)
    {
        NpgsqlConnectionStringBuilder primary;
        try
        {
            primary = new NpgsqlConnectionStringBuilder(request.Setting("ConnectionString"));
        }
        catch (Exception e) when (e is ArgumentException or FormatException or KeyNotFoundException)
        {
            // The parser's message may quote a value, and the value may be the password.
            throw Refused(request, "the setting ConnectionString is not a PostgreSQL connection string.");
        }

        if (string.IsNullOrWhiteSpace(primary.Host))
        {
            throw Refused(request, "the setting ConnectionString names no Host.");
        }

        // One connection at a time, closed for real: a drill must leave no idle session behind on the primary.
        primary.Pooling = false;
        primary.Timeout = Math.Clamp(primary.Timeout, 1, 15);
        primary.ApplicationName = "respond-drill";
        return primary;
    }

    private static TimeSpan? Duration(ConnectorRequest request, string? text, string what) => text switch
    {
        null => null,
        _ when IsoDuration.TryParse(text, out var duration) && duration > TimeSpan.Zero => duration,
        _ => throw Refused(request, $"{what} must be a positive ISO-8601 duration such as PT60S."),
    };

    private static ConnectorException Refused(ConnectorRequest request, string reason) =>
        new($"Connector '{request.ConnectorName}' {request.Operation}: {reason}", retryable: false);
}
