namespace Respond.Server.Tests.Infrastructure;

/// <summary>A clock the test moves by hand, so measured durations are exact.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset now = start;

    public override DateTimeOffset GetUtcNow() => now;

    public void Advance(TimeSpan by) => now += by;
}
