using Respond.Domain.Common;

namespace Respond.Domain.Playbooks.Definitions;

/// <summary>Durations and retries, each within its limit.</summary>
public sealed partial class PlaybookValidator
{
    private static void CheckRetry(RetryPolicy? retry, Action<string> fail)
    {
        if (retry is null)
        {
            return;
        }

        if (retry.MaxAttempts is < 1 or > MaxAttempts)
        {
            fail($"retry.maxAttempts must be 1 to {MaxAttempts} (it counts the first attempt).");
        }

        CheckDuration("retry.delay", retry.Delay, DurationLimits.MaxRetryDelay, fail, zeroAllowed: true);
        CheckDuration("retry.maxDelay", retry.MaxDelay, DurationLimits.MaxRetryDelay, fail, zeroAllowed: true);
        if (retry.Backoff is not (null or "fixed" or "exponential"))
        {
            fail("retry.backoff must be fixed or exponential.");
        }
    }

    private static void CheckDuration(string field, string? value, TimeSpan max, Action<string> fail, bool zeroAllowed = false)
    {
        if (value is null)
        {
            return;
        }

        if (!IsoDuration.TryParse(value, out var duration))
        {
            fail($"{field} '{value}' is not an ISO-8601 duration such as PT30M.");
        }
        else if (duration > max)
        {
            fail($"{field} '{value}' is longer than the limit of {DurationLimits.Describe(max)}.");
        }
        else if (duration == TimeSpan.Zero && !zeroAllowed)
        {
            fail($"{field} '{value}' is zero; give a duration above zero.");
        }
    }
}
