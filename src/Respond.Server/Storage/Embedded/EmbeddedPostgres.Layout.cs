using System.Diagnostics;

namespace Respond.Server.Storage.Embedded;

/// <summary>The files of a cluster's folder, and the lock that keeps two processes from provisioning it at once.</summary>
public sealed partial class EmbeddedPostgres
{
    private static FileStream AcquireLock(Layout layout, ILogger logger)
    {
        var clock = Stopwatch.StartNew();
        var waiting = false;
        while (true)
        {
            try
            {
                return new FileStream(layout.LockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (clock.Elapsed < LockTimeout)
            {
                if (!waiting)
                {
                    waiting = true;
                    logger.LogInformation("Waiting for another process that is starting or " +
                        "stopping the private PostgreSQL under {DataRoot}", layout.Root);
                }

                Thread.Sleep(100);
            }
            catch (IOException e)
            {
                throw new EmbeddedPostgresException(
                    $"Another process has held {layout.LockFile} for more than " +
                    $"{LockTimeout.TotalSeconds:0} s ({e.Message}); stop it or remove the lock file.");
            }
        }
    }

    private sealed record Layout(string Root)
    {
        public string Data => Path.Combine(Root, "data");
        public string Staging => Path.Combine(Root, "data.initdb");
        public string PortFile => Path.Combine(Root, "port");
        public string PasswordFile => Path.Combine(Root, "password");
        public string LogFile => Path.Combine(Root, "postgres.log");
        public string LockFile => Path.Combine(Root, ".lock");
        public string PidFile => Path.Combine(Data, "postmaster.pid");
        public bool ClusterExists => File.Exists(Path.Combine(Data, "PG_VERSION"));
    }
}
