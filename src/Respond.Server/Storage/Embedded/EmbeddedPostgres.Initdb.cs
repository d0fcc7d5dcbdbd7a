using System.Security.Cryptography;
using System.Text;

namespace Respond.Server.Storage.Embedded;

/// <summary>Creating a cluster: initdb with a generated password, loopback-only settings, owner-only files.</summary>
public sealed partial class EmbeddedPostgres
{
    // Appended to postgresql.conf at initdb. Durability (fsync, synchronous_commit) is a product promise.
    private static readonly string[] ServiceSettings =
    [
        "listen_addresses = '127.0.0.1'",
        "unix_socket_directories = ''",
        "max_connections = 300",
        "shared_buffers = 256MB",
        "fsync = on",
        "synchronous_commit = on",
        "full_page_writes = on",
        "idle_in_transaction_session_timeout = '60s'",
        "log_min_messages = warning",
        "password_encryption = 'scram-sha-256'",
    ];

    private static void Initialize(Layout layout, string binFolder, string? runUser, ILogger logger)
    {
        logger.LogInformation("Provisioning a private PostgreSQL cluster under {DataDirectory} from {BinFolder}{RunAs}",
            layout.Data, binFolder, runUser is null ? "" : " as the postgres user (PostgreSQL refuses to run as root)");

        // initdb works in a staging folder that is renamed to data/ only when complete, so an interrupted
        // initdb never leaves a half-made cluster behind.
        var staging = layout.Staging;
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true);
        }

        if (Directory.Exists(layout.Data))
        {
            if (Directory.EnumerateFileSystemEntries(layout.Data).Any())
            {
                throw new EmbeddedPostgresException(
                    $"{layout.Data} is not empty but holds no PostgreSQL cluster (no " +
                    $"PG_VERSION); move it away or delete it to provision a new cluster.");
            }

            Directory.Delete(layout.Data);
        }

        string[] common =
        [
            "-D", staging,
            "--auth=scram-sha-256",
            "--username=" + UserName,
            "--pwfile=" + layout.PasswordFile,
            "--encoding=UTF8",
            "--data-checksums",
        ];

        var initdb = PostgresBinaries.Executable(binFolder, "initdb");
        // C collation: byte-order sorting cannot be corrupted by an operating system's collation update.
        var result = RunAs(runUser, initdb, [.. common, "--locale=C.UTF-8", "--lc-collate=C"], InitTimeout, layout.Root);
        if (result.ExitCode != 0 && result.Output.Contains("locale", StringComparison.OrdinalIgnoreCase))
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }

            result = RunAs(runUser, initdb, [.. common, "--locale=C"], InitTimeout, layout.Root);
        }

        if (result.ExitCode != 0)
        {
            throw new EmbeddedPostgresException(
                $"initdb could not create the private PostgreSQL cluster under {layout.Data} (exit code {result.ExitCode}): {result.Output}");
        }

        var settings = new StringBuilder()
            .AppendLine()
            .AppendLine("# Respond: private cluster for one service (loopback only, durable commits).");
        foreach (var setting in ServiceSettings)
        {
            settings.AppendLine(setting);
        }

        File.AppendAllText(Path.Combine(staging, "postgresql.conf"), settings.ToString());
        Directory.Move(staging, layout.Data);
    }

    private static string EnsurePassword(Layout layout)
    {
        var existing = File.Exists(layout.PasswordFile) ? File.ReadAllText(layout.PasswordFile).Split('\n')[0].Trim() : "";
        if (existing.Length > 0)
        {
            RestrictToOwner(layout.PasswordFile, directory: false);
            return existing;
        }

        if (layout.ClusterExists)
        {
            throw new EmbeddedPostgresException(
                $"The private PostgreSQL cluster under {layout.Data} has no password file at " +
                $"{layout.PasswordFile}; restore it or delete {layout.Root} to provision a new cluster.");
        }

        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        var password = RandomNumberGenerator.GetString(alphabet, 40);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(layout.PasswordFile, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(password + "\n");
        }

        RestrictToOwner(layout.PasswordFile, directory: false);
        return password;
    }

    private static void RestrictToOwner(string path, bool directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | (directory ? UnixFileMode.UserExecute : UnixFileMode.None);
        if (File.GetUnixFileMode(path) != mode)
        {
            File.SetUnixFileMode(path, mode);
        }
    }
}
