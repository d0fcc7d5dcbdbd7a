namespace Respond.Domain.Playbooks.Definitions;

/// <summary>
/// How long a playbook may ask to wait, checked at validation so every time the engine adds to "now" stays
/// on the calendar and every timer fires within a year. A person's decision or a sub-playbook may take days;
/// one HTTP call, or the wait between two attempts, may not.
/// </summary>
public static class DurationLimits
{
    /// <summary>Delays (<c>duration</c>, and <c>until</c> at run time), approval timeouts, and the timeout of steps that wait.</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromDays(366);

    /// <summary>One attempt of an action step: hours, since a runbook's restore of a real backup or a failover drill takes that long.</summary>
    public static readonly TimeSpan MaxActionTimeout = TimeSpan.FromHours(2);

    /// <summary><c>retry.delay</c> and <c>retry.maxDelay</c>.</summary>
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromDays(1);

    /// <summary>The cap on the step's <c>timeout</c>, by step type.</summary>
    public static TimeSpan MaxTimeout(string stepType) => stepType == StepTypes.Action ? MaxActionTimeout : MaxWait;

    /// <summary>An action step's timeout: its own, or the default, never above <see cref="MaxActionTimeout"/>.</summary>
    public static TimeSpan ActionTimeout(PlaybookStep step, TimeSpan fallback)
    {
        var timeout = IsoDuration.Parse(step.Timeout) is { } t && t > TimeSpan.Zero ? t : fallback;
        return timeout > MaxActionTimeout ? MaxActionTimeout : timeout;
    }

    /// <summary>"366 days", "10 minutes": a limit as a message says it.</summary>
    public static string Describe(TimeSpan limit) => limit.TotalDays >= 1 ? Count(limit.TotalDays, "day")
        : limit.TotalHours >= 1 ? Count(limit.TotalHours, "hour") : Count(limit.TotalMinutes, "minute");

    private static string Count(double value, string unit) => $"{value:0} {unit}{(Math.Round(value) == 1 ? "" : "s")}";
}
