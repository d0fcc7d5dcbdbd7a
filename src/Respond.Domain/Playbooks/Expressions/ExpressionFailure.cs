namespace Respond.Domain.Playbooks.Expressions;

/// <summary>The kind of <see cref="ExpressionException"/>.</summary>
public enum ExpressionFailure
{
    /// <summary>The expression threw (a TypeError, a ReferenceError, a <c>throw</c>, …).</summary>
    Runtime,

    /// <summary>The expression does not parse, or is empty.</summary>
    Syntax,

    /// <summary>A <c>{{</c> without its <c>}}</c>, or an empty <c>{{ }}</c>.</summary>
    Template,

    /// <summary>The expression is longer than <see cref="ExpressionLimits.MaxExpressionLength"/>.</summary>
    ExpressionLength,

    /// <summary>The value is larger than <see cref="ExpressionLimits.MaxResultLength"/> or has no JSON form.</summary>
    Result,

    /// <summary><see cref="ExpressionLimits.Timeout"/> passed.</summary>
    Timeout,

    /// <summary>The expression allocated more than <see cref="ExpressionLimits.MemoryBytes"/>.</summary>
    Memory,

    /// <summary>Calls nested deeper than <see cref="ExpressionLimits.RecursionDepth"/> (or the stack ran low).</summary>
    Recursion,

    /// <summary>More than <see cref="ExpressionLimits.MaxStatements"/> statements ran.</summary>
    Statements,
}
