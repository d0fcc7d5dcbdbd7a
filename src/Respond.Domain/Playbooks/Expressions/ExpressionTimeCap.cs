namespace Respond.Domain.Playbooks.Expressions;

/// <summary>
/// A tighter time limit for the evaluations on this flow, for a caller on a hot path (alert ingestion)
/// that would rather hand slow work to the background than wait for it. <see cref="Exceeded"/> says
/// whether an evaluation hit the cap, so the caller can throw away what it decided under it.
/// </summary>
public sealed class ExpressionTimeCap : IDisposable
{
    private static readonly AsyncLocal<ExpressionTimeCap?> Active = new();
    private readonly ExpressionTimeCap? outer;

    private ExpressionTimeCap(TimeSpan limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(limit, TimeSpan.Zero);
        Limit = limit;
        outer = Active.Value;
        Active.Value = this;
    }

    public TimeSpan Limit { get; }

    /// <summary>True once an evaluation under this cap ran out of its (capped) time.</summary>
    public bool Exceeded { get; private set; }

    public static ExpressionTimeCap Begin(TimeSpan limit) => new(limit);

    /// <summary>The cap in force on this flow, if any.</summary>
    public static ExpressionTimeCap? Current => Active.Value;

    internal void NoteExceeded() => Exceeded = true;

    public void Dispose() => Active.Value = outer;
}
