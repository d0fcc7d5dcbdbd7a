using Npgsql;

namespace Respond.Server.Storage;

/// <summary>Tells "PostgreSQL cannot be reached right now" (answer 503, try later) from real errors.</summary>
public static class StorageFailures
{
    public static bool IsUnavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException pg:
                    // 08: connection; 53: resources; 57P: shutdown/cannot connect now; 3D000/55000: database refused.
                    return pg.SqlState.StartsWith("08", StringComparison.Ordinal)
                        || pg.SqlState.StartsWith("53", StringComparison.Ordinal)
                        || pg.SqlState.StartsWith("57P", StringComparison.Ordinal)
                        || pg.SqlState is "3D000" or "55000";
                case NpgsqlException:
                case TimeoutException:
                case System.Net.Sockets.SocketException:
                    return true;
            }
        }

        return false;
    }
}
