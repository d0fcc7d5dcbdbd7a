using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Jint;
using Jint.Native;
using Jint.Runtime;

namespace Respond.Domain.Playbooks.Expressions;

/// <summary>
/// Playbook expressions as strict-mode JavaScript on Jint. Thread-safe and meant to be a
/// singleton: each distinct expression is parsed once and cached; each evaluation runs in its own
/// engine under <see cref="ExpressionLimits"/>.
/// </summary>
public sealed class JintExpressionEvaluator : IExpressionEvaluator
{
    private const int ParserStackBytes = 8 * 1024 * 1024;

    private readonly ConcurrentDictionary<string, CompiledExpression> cache = new(StringComparer.Ordinal);
    private readonly ExpressionSandbox sandbox;

    /// <param name="limits">The sandbox's limits; <see cref="ExpressionLimits.Default"/> when null.</param>
    public JintExpressionEvaluator(ExpressionLimits? limits = null)
    {
        Limits = limits ?? ExpressionLimits.Default;
        Limits.Validate();
        sandbox = new ExpressionSandbox(Limits);
    }

    /// <summary>The limits every evaluation runs under.</summary>
    public ExpressionLimits Limits { get; }

    /// <summary>How many compiled expressions the cache holds now.</summary>
    public int CachedExpressions => cache.Count;

    /// <inheritdoc />
    public string? CheckSyntax(string expression) => Compile(expression).Error;

    /// <inheritdoc />
    public JsonNode? Evaluate(string expression, ExpressionScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return Evaluate(expression, new ScopeJson(scope));
    }

    /// <inheritdoc />
    public bool IsTrue(string expression, ExpressionScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return Run(expression, new ScopeJson(scope), static (_, value) => TypeConverter.ToBoolean(value));
    }

    /// <inheritdoc />
    public JsonNode? Render(JsonNode? template, ExpressionScope scope, Func<string, string>? escapeValues = null)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return Render(template, new ScopeJson(scope), escapeValues);
    }

    /// <inheritdoc />
    /// <exception cref="ExpressionException">A string has a <c>{{</c> without <c>}}</c>, or an empty <c>{{ }}</c>.</exception>
    public IReadOnlyList<string> TemplateExpressions(JsonNode? template)
    {
        var found = new List<string>();
        Collect(template, found);
        return found;
    }

    private JsonNode? Evaluate(string expression, ScopeJson scope) =>
        Run(expression, scope, (engine, value) => JsonResult.ToNode(engine, value, expression, Limits));

    private T Run<T>(string expression, ScopeJson scope, Func<Engine, JsValue, T> convert)
    {
        var compiled = Compile(expression);
        return compiled.Error is null ? sandbox.Run(compiled, scope, convert) : throw compiled.Exception();
    }

    private CompiledExpression Compile(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        if (expression.Length > Limits.MaxExpressionLength)
        {
            // Not cached: the key alone would be the kind of thing the limit keeps out.
            return Failed(expression, ExpressionFailure.ExpressionLength,
                $"Expression of {expression.Length:N0} characters exceeds the limit of {Limits.MaxExpressionLength:N0}");
        }

        if (cache.TryGetValue(expression, out var cached))
        {
            return cached;
        }

        if (cache.Count >= Limits.MaxCachedExpressions)
        {
            // Crude but bounded: a working set of playbook expressions refills it at once.
            cache.Clear();
        }

        return cache.GetOrAdd(expression, Prepare);
    }

    private CompiledExpression Prepare(string expression)
    {
        if (string.IsNullOrWhiteSpace(expression))
        {
            return Failed(expression, ExpressionFailure.Syntax, "Empty expression");
        }

        // Jint's preparation walks the tree recursively without always checking the stack, so a
        // deeply nested expression on a small caller stack would end the process; parsing on a
        // thread of known stack size (once per distinct expression) turns that into a syntax error.
        CompiledExpression? compiled = null;
        var parser = new Thread(() => compiled = TryPrepare(expression), ParserStackBytes) { IsBackground = true, Name = "expression-parser" };
        parser.Start();
        parser.Join();
        return compiled!;
    }

    private CompiledExpression TryPrepare(string expression)
    {
        try
        {
            return new CompiledExpression(expression, Engine.PrepareScript(expression, strict: true));
        }
        catch (Exception exception)
        {
            var (failure, problem) = ExpressionErrors.Describe(exception, Limits);
            return Failed(expression, failure == ExpressionFailure.Runtime ? ExpressionFailure.Syntax : failure, problem);
        }
    }

    private static CompiledExpression Failed(string expression, ExpressionFailure failure, string problem) =>
        new(expression, default, ExpressionErrors.Create(expression, failure, problem).Message, failure);

    private JsonNode? Render(JsonNode? node, ScopeJson scope, Func<string, string>? escape) => node switch
    {
        null => null,
        JsonObject obj => new JsonObject(obj.Select(p => KeyValuePair.Create(p.Key, Render(p.Value, scope, escape)))),
        JsonArray array => new JsonArray([.. array.Select(item => Render(item, scope, escape))]),
        JsonValue value when value.TryGetValue<string>(out var text) && TemplateText.HasTemplate(text) => RenderText(text, value, scope, escape),
        _ => node.DeepClone(),
    };

    private JsonNode? RenderText(string text, JsonNode at, ScopeJson scope, Func<string, string>? escape)
    {
        try
        {
            var parts = TemplateText.Parse(text);
            if (parts is [{ IsExpression: true } whole])
            {
                return Evaluate(whole.Text, scope);
            }

            var rendered = new StringBuilder();
            foreach (var part in parts)
            {
                var value = part.IsExpression ? JsonResult.AsText(Evaluate(part.Text, scope)) : null;
                rendered.Append(value is null ? part.Text : escape?.Invoke(value) ?? value);
                if (rendered.Length > Limits.MaxResultLength)
                {
                    throw ExpressionErrors.Create(text, ExpressionFailure.Result,
                        $"Rendered text is longer than the limit of {Limits.MaxResultLength:N0} characters", "template");
                }
            }

            return JsonValue.Create(rendered.ToString());
        }
        catch (ExpressionException exception)
        {
            // Say where in the template, since one input may hold many strings.
            throw new ExpressionException($"{exception.Message} (at {at.GetPath()})") { Failure = exception.Failure };
        }
    }

    private static void Collect(JsonNode? node, List<string> found)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, value) in obj)
                {
                    Collect(value, found);
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    Collect(item, found);
                }

                break;
            case JsonValue value when value.TryGetValue<string>(out var text) && TemplateText.HasTemplate(text):
                found.AddRange(TemplateText.Parse(text).Where(p => p.IsExpression).Select(p => p.Text));
                break;
        }
    }
}
