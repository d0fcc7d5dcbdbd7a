using JasperFx;
using Marten.Exceptions;
using Npgsql;

namespace Respond.Server.Playbooks.Library;

/// <summary>
/// Library writes that race (two publishes, a publish and a draft save) lose with a conflict, never
/// with a half-written state: the loser reads again and retries.
/// </summary>
public static class WriteConflicts
{
    public const int MaxAttempts = 30;

    public static async Task<T> RetryAsync<T>(Func<Task<T>> attempt, CancellationToken ct)
    {
        for (var tried = 1; ; tried++)
        {
            try
            {
                return await attempt();
            }
            catch (Exception ex) when (tried < MaxAttempts && IsConflict(ex))
            {
                // A little jitter, so the same racers do not meet again on the next read.
                await Task.Delay(Random.Shared.Next(1, 5 + (5 * tried)), ct);
            }
        }
    }

    public static bool IsConflict(Exception exception) => exception switch
    {
        DocumentAlreadyExistsException or ConcurrencyException or ConcurrentUpdateException => true,
        AggregateException all => all.InnerExceptions.Count > 0 && all.InnerExceptions.All(IsConflict),
        PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } => true,
        _ => exception.InnerException is { } inner && IsConflict(inner),
    };
}
