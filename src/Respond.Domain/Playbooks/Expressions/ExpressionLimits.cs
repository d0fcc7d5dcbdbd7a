namespace Respond.Domain.Playbooks.Expressions;

/// <summary>
/// The sandbox's limits for one evaluation. Each <c>{{ … }}</c> of a template is its own evaluation.
/// </summary>
public sealed record ExpressionLimits
{
    /// <summary>The defaults: 1 s, 16 MiB, recursion depth 64, 100,000 statements.</summary>
    public static ExpressionLimits Default { get; } = new();

    /// <summary>Wall-clock time one evaluation may take (SPEC §8: 1 s).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Bytes one evaluation may allocate.</summary>
    public long MemoryBytes { get; init; } = 16L * 1024 * 1024;

    /// <summary>How deeply JavaScript calls may nest.</summary>
    public int RecursionDepth { get; init; } = 64;

    /// <summary>Statements one evaluation may execute.</summary>
    public int MaxStatements { get; init; } = 100_000;

    /// <summary>Characters an expression may have; longer ones are refused before parsing.</summary>
    public int MaxExpressionLength { get; init; } = 4_000;

    /// <summary>Characters the value's JSON may have.</summary>
    public int MaxResultLength { get; init; } = 1_000_000;

    /// <summary>Distinct compiled expressions kept; the cache starts over when it is full.</summary>
    public int MaxCachedExpressions { get; init; } = 10_000;

    internal void Validate()
    {
        if (Timeout <= TimeSpan.Zero || Timeout >= TimeSpan.FromDays(1))
        {
            throw new ArgumentOutOfRangeException(nameof(Timeout), Timeout, "The time limit must be positive and under a day.");
        }

        Positive(MemoryBytes, nameof(MemoryBytes));
        Positive(RecursionDepth, nameof(RecursionDepth));
        Positive(MaxStatements, nameof(MaxStatements));
        Positive(MaxExpressionLength, nameof(MaxExpressionLength));
        Positive(MaxResultLength, nameof(MaxResultLength));
        Positive(MaxCachedExpressions, nameof(MaxCachedExpressions));
    }

    private static void Positive(long value, string name)
    {
        // long.MaxValue would switch Jint's memory constraint off, so it is refused like zero.
        if (value <= 0 || value == long.MaxValue)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive.");
        }
    }
}
