using System.Globalization;
using Npgsql;

namespace Respond.Server.Connectors.Kinds;

/// <summary>
/// What PostgreSQL's own programs (pg_restore, pg_basebackup) need besides their arguments, from an Npgsql connection string.
/// The password and TLS files travel only here: a command line is readable by every user of the machine.
/// </summary>
internal static class LibpqEnvironment
{
    public static Dictionary<string, string> For(NpgsqlConnectionStringBuilder server, string applicationName, int connectTimeoutSeconds)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PGAPPNAME"] = applicationName,
            ["PGCONNECT_TIMEOUT"] = connectTimeoutSeconds.ToString(CultureInfo.InvariantCulture),
            ["PGSSLMODE"] = server.SslMode switch
            {
                SslMode.Disable => "disable",
                SslMode.Allow => "allow",
                SslMode.Require => "require",
                SslMode.VerifyCA => "verify-ca",
                SslMode.VerifyFull => "verify-full",
                _ => "prefer",
            },
        };
        foreach (var (name, value) in new[]
        {
            ("PGPASSWORD", server.Password), ("PGPASSFILE", server.Passfile), ("PGSSLROOTCERT", server.RootCertificate),
            ("PGSSLCERT", server.SslCertificate), ("PGSSLKEY", server.SslKey),
        })
        {
            if (!string.IsNullOrEmpty(value))
            {
                environment[name] = value;
            }
        }

        return environment;
    }
}
