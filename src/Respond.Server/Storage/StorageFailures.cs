using Npgsql;

namespace Respond.Server.Storage;

/// <summary>
/// Tells "PostgreSQL cannot be reached right now" (answer 503, try later) and "another writer won a race"
/// (read again and decide again) from real errors.
/// </summary>
public static class StorageFailures
{
    /// <summary>
    /// Another transaction won: a stream or document that exists already, a stream version that moved on, a unique
    /// violation, a serialization failure or a deadlock. Alerts and runs both re-read and decide again on it.
    /// </summary>
    public static bool IsLostRace(Exception exception) => exception switch
    {
        JasperFx.Events.ExistingStreamIdCollisionException or Marten.Exceptions.ExistingStreamIdCollisionException => true,
        JasperFx.ConcurrencyException or JasperFx.DocumentAlreadyExistsException => true,
        PostgresException pg => IsRaceState(pg.SqlState),
        _ => exception.InnerException switch
        {
            JasperFx.ConcurrencyException => true,
            PostgresException inner => IsRaceState(inner.SqlState),
            _ => false,
        },
    };

    // 23505 unique violation, 40001 serialization failure, 40P01 deadlock.
    private static bool IsRaceState(string sqlState) => sqlState is "23505" or "40001" or "40P01";

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
