using System.Threading.RateLimiting;
using Respond.Server.Hosting;

namespace Respond.Server.Auth;

/// <summary>
/// Wrong credentials are limited per client address, one token bucket each. Only failures spend it,
/// and it is consulted only after the credentials were found wrong: the right key is never refused
/// because someone else guessed from the same address (a NAT, a proxy). Buckets of addresses that
/// stopped failing refill and are dropped by the limiter's idle cleanup, so memory stays bounded.
/// </summary>
public sealed class FailureLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> limiter;

    public FailureLimiter(int failuresPerMinute)
    {
        var perMinute = Math.Max(1, failuresPerMinute);
        var options = new TokenBucketRateLimiterOptions
        {
            TokenLimit = perMinute,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = TimeSpan.FromMinutes(1) / perMinute,
            QueueLimit = 0,
            AutoReplenishment = true,
        };
        limiter = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetTokenBucketLimiter(key, _ => options));
        Window = TimeSpan.FromMinutes(1) / perMinute;
    }

    private TimeSpan Window { get; }

    /// <summary>Counts one failure from the request's client; null while allowed, else how long to wait.</summary>
    public TimeSpan? Fail(HttpContext context)
    {
        using var lease = limiter.AttemptAcquire(TrustedProxies.ClientKey(context));
        if (lease.IsAcquired)
        {
            return null;
        }

        return lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : Window;
    }

    public void Dispose() => limiter.Dispose();
}

/// <summary>
/// The two failure budgets: guesses at user API keys (bearer header and sign-in share one) and
/// refused webhook credentials.
/// </summary>
public sealed class FailedAttempts(IConfiguration config) : IDisposable
{
    public FailureLimiter UserKeys { get; } = new(config.GetValue("Respond:Auth:KeyFailuresPerMinute", 10));

    public FailureLimiter Webhooks { get; } = new(config.GetValue("Respond:Auth:WebhookFailuresPerMinute", 20));

    public void Dispose()
    {
        UserKeys.Dispose();
        Webhooks.Dispose();
    }
}
