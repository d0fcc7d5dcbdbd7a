using System.Text.Json.Nodes;

namespace Respond.Domain.Playbooks.Expressions;

/// <summary>
/// What an expression sees: the incident (as its API JSON), its alerts, the run's variables and the
/// outputs of earlier steps by step id. Anything else in the host is out of reach.
/// </summary>
public sealed record ExpressionScope(JsonNode? Incident, JsonNode? Alerts, JsonObject Vars, JsonObject Steps);

/// <summary>Evaluates playbook expressions (<c>when</c>, <c>if</c>, <c>{{ … }}</c> templates) in a sandbox.</summary>
public interface IExpressionEvaluator
{
    /// <summary>Null when the expression parses; otherwise a message saying what is wrong.</summary>
    string? CheckSyntax(string expression);

    /// <summary>The expression's value as JSON. Throws <see cref="ExpressionException"/> on any failure or limit.</summary>
    JsonNode? Evaluate(string expression, ExpressionScope scope);

    /// <summary>JavaScript truthiness of the expression's value. Throws <see cref="ExpressionException"/>.</summary>
    bool IsTrue(string expression, ExpressionScope scope);

    /// <summary>
    /// Renders every string in <paramref name="template"/> (deeply, through objects and arrays):
    /// a string that is exactly one <c>{{ expr }}</c> becomes the expression's JSON value; a string
    /// mixing text and templates becomes text, each value written through <paramref name="escapeValues"/> when
    /// given (a URL path's segments). Throws <see cref="ExpressionException"/>.
    /// </summary>
    JsonNode? Render(JsonNode? template, ExpressionScope scope, Func<string, string>? escapeValues = null);

    /// <summary>Every <c>{{ … }}</c> expression inside the template's strings, for validation.</summary>
    /// <exception cref="ExpressionException">A string has a <c>{{</c> without its <c>}}</c>, or an empty <c>{{ }}</c>.</exception>
    IReadOnlyList<string> TemplateExpressions(JsonNode? template);
}

/// <summary>An expression that did not parse, threw, or hit a sandbox limit (time, memory, recursion, statements).</summary>
public sealed class ExpressionException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>What went wrong, for callers that react differently to a limit than to a script error.</summary>
    public ExpressionFailure Failure { get; init; } = ExpressionFailure.Runtime;
}
