using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Acornima;
using Jint;
using Jint.Native;
using Jint.Native.Error;
using Jint.Native.Object;
using Jint.Runtime;

namespace Respond.Domain.Playbooks.Expressions;

/// <summary>Turns whatever Jint (or .NET under it) threw into one <see cref="ExpressionException"/>.</summary>
internal static class ExpressionErrors
{
    private const int ExcerptLength = 60;

    public static ExpressionException Create(string expression, ExpressionFailure failure, string problem, string what = "expression") =>
        new($"{problem} in {what} \"{Excerpt(expression)}\"") { Failure = failure };

    public static ExpressionException From(string expression, Exception exception, ExpressionLimits limits)
    {
        var (failure, problem) = Describe(exception, limits);
        return Create(expression, failure, problem);
    }

    public static (ExpressionFailure Failure, string Problem) Describe(Exception exception, ExpressionLimits limits) => exception switch
    {
        RegexMatchTimeoutException => (ExpressionFailure.Timeout, $"Regular expression ran past the time limit of {Duration(limits.Timeout)}"),
        TimeoutException => (ExpressionFailure.Timeout, $"Time limit of {Duration(limits.Timeout)} exceeded"),
        MemoryLimitExceededException or OutOfMemoryException => (ExpressionFailure.Memory, MemoryExceeded(limits)),
        RecursionDepthOverflowException => (ExpressionFailure.Recursion, $"Recursion depth limit of {limits.RecursionDepth} exceeded"),
        InsufficientExecutionStackException => (ExpressionFailure.Recursion, "Nesting too deep for the stack (recursion limit)"),
        StatementsCountOverflowException => (ExpressionFailure.Statements, $"Statement limit of {limits.MaxStatements:N0} exceeded"),
        JavaScriptException js when js.Message == ExpressionSandbox.StringGuardMessage => (ExpressionFailure.Memory, MemoryExceeded(limits)),
        JavaScriptException js when js.Message.Contains("Maximum call stack size exceeded", StringComparison.Ordinal) =>
            (ExpressionFailure.Recursion, $"Recursion limit exceeded ({Thrown(js)})"),
        JavaScriptException js => (ExpressionFailure.Runtime, Thrown(js)),
        ScriptPreparationException prep => (ExpressionFailure.Syntax, Syntax(prep)),
        _ => (ExpressionFailure.Runtime, $"Evaluation failed: {exception.Message}"),
    };

    public static string MemoryExceeded(ExpressionLimits limits) => $"Memory limit of {Bytes(limits.MemoryBytes)} exceeded";

    /// <summary>One line, at most 60 characters: enough to find the expression, never a wall of script.</summary>
    public static string Excerpt(string expression)
    {
        var text = new StringBuilder(Math.Min(expression.Length, ExcerptLength + 1));
        var space = false;
        foreach (var c in expression.AsSpan().Trim())
        {
            if (char.IsWhiteSpace(c))
            {
                space = true;
                continue;
            }

            if (space)
            {
                text.Append(' ');
                space = false;
            }

            text.Append(c);
            if (text.Length > ExcerptLength)
            {
                return string.Concat(text.ToString(0, ExcerptLength), "…");
            }
        }

        return text.ToString();
    }

    private static string Syntax(ScriptPreparationException exception) => exception.InnerException is ParseErrorException parse
        ? $"Syntax error at {parse.LineNumber}:{parse.Column + 1}: {parse.Description}"
        : $"Syntax error: {exception.Message}";

    private static string Thrown(JavaScriptException exception)
    {
        var location = exception.Location.Start;
        var at = location.Line > 0 ? $" at {location.Line}:{location.Column + 1}" : "";
        return $"{ErrorName(exception.Error)}: {exception.Message}{at}";
    }

    /// <summary>
    /// The error's <c>name</c>, read only from plain data properties of Jint's own error objects:
    /// a getter or a proxy on a thrown value must not run script after the sandbox has stopped.
    /// </summary>
    private static string ErrorName(JsValue error)
    {
        var current = error as ObjectInstance;
        for (var depth = 0; current is not null && depth < 4 && IsJintError(current); depth++)
        {
            var name = current.GetOwnProperty("name");
            if (name.IsAccessorDescriptor())
            {
                break;
            }

            if (name.Value is JsString text)
            {
                return text.ToString();
            }

            current = current.Prototype;
        }

        return error is ObjectInstance ? "Error" : "Uncaught";
    }

    private static bool IsJintError(ObjectInstance value) =>
        value is ErrorInstance || value.GetType().Namespace == typeof(ErrorInstance).Namespace;

    private static string Duration(TimeSpan time) => time.TotalMilliseconds % 1000 == 0
        ? string.Create(CultureInfo.InvariantCulture, $"{time.TotalSeconds:0} s")
        : string.Create(CultureInfo.InvariantCulture, $"{time.TotalMilliseconds:0} ms");

    private static string Bytes(long bytes) => bytes % (1024 * 1024) == 0
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024 * 1024)} MiB")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes:N0} bytes");
}
