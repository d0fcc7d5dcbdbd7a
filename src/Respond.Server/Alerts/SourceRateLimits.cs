using System.Threading.RateLimiting;

namespace Respond.Server.Alerts;

/// <summary>
/// A token bucket per source, spent only by deliveries that proved themselves: a flood of forged or
/// unauthenticated requests cannot use up a real sender's budget. One bucket per configured source.
/// </summary>
public sealed class SourceRateLimits : IDisposable
{
    private readonly PartitionedRateLimiter<AlertSource> limiter = PartitionedRateLimiter.Create<AlertSource, string>(source =>
        RateLimitPartition.GetTokenBucketLimiter(source.Name.ToLowerInvariant(), _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(1, source.RateLimit.Burst),
            TokensPerPeriod = Math.Max(1, source.RateLimit.PermitsPerSecond),
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    /// <summary>Takes one permit; null when granted, else how long the source must wait.</summary>
    public TimeSpan? TryTake(AlertSource source)
    {
        using var lease = limiter.AttemptAcquire(source);
        if (lease.IsAcquired)
        {
            return null;
        }

        return lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
    }

    public void Dispose() => limiter.Dispose();
}
