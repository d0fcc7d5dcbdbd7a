using System.Text.Json.Nodes;
using Respond.Domain.Playbooks.Expressions;

namespace Respond.Domain.Tests.Playbooks.Expressions;

public class ExpressionEvaluationTests
{
    private static readonly JintExpressionEvaluator Evaluator = Scopes.Evaluator;

    [Theory]
    [InlineData("alerts.some(a => a.category == 'BruteForce')", "high", true)]
    [InlineData("incident.severity == 'high' || incident.severity == 'critical'", "high", true)]
    [InlineData("incident.severity == 'high' || incident.severity == 'critical'", "critical", true)]
    [InlineData("incident.severity == 'high' || incident.severity == 'critical'", "low", false)]
    [InlineData("steps.lookup.output.body.score > 70", "high", true)]
    [InlineData("steps.lookup.output.body.score > vars.threshold", "high", true)]
    [InlineData("alerts.filter(a => a.severity === 'low').length === 1", "high", true)]
    public void Spec_examples_evaluate(string expression, string severity, bool expected)
    {
        Assert.Equal(expected, Evaluator.IsTrue(expression, Scopes.Incident(severity)));
    }

    [Fact]
    public void Values_come_back_as_json()
    {
        var scope = Scopes.Incident();

        Assert.Equal("203.0.113.7", Evaluator.Evaluate("incident.entities.ips[0]", scope)!.GetValue<string>());
        Assert.Equal(70, Evaluator.Evaluate("vars.threshold", scope)!.GetValue<int>());
        Assert.Equal(85, Evaluator.Evaluate("steps.lookup.output.body.score", scope)!.GetValue<int>());
        Assert.True(Evaluator.Evaluate("alerts.length == 2", scope)!.GetValue<bool>());
        Assert.Equal(1.5, Evaluator.Evaluate("3 / 2", scope)!.GetValue<double>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""["203.0.113.7","198.51.100.2"]"""), Evaluator.Evaluate("incident.entities.ips", scope)));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"n":2,"ids":["a-1","a-2"]}"""),
            Evaluator.Evaluate("({ n: alerts.length, ids: alerts.map(a => a.id) })", scope)));
    }

    [Theory]
    [InlineData("undefined")]
    [InlineData("incident.nothing")]
    [InlineData("null")]
    [InlineData("(() => 1)")]
    [InlineData("Symbol('s')")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("void 0")]
    public void Values_without_a_json_form_are_null(string expression)
    {
        Assert.Null(Evaluator.Evaluate(expression, Scopes.Incident()));
    }

    [Fact]
    public void Non_finite_numbers_and_undefined_inside_values_follow_json_stringify()
    {
        var value = Evaluator.Evaluate("({ a: NaN, b: undefined, c: [undefined, -Infinity, () => 1], d: 1 })", Scopes.Incident());

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"a":null,"c":[null,null,null],"d":1}"""), value));
    }

    [Fact]
    public void Dates_become_iso_strings()
    {
        Assert.Equal("1970-01-01T00:00:00.000Z", Evaluator.Evaluate("new Date(0)", Scopes.Incident())!.GetValue<string>());
        Assert.Equal("2025-01-02T03:04:05.000Z",
            Evaluator.Evaluate("new Date(incident.openedAt)", Scopes.Incident())!.GetValue<string>());
    }

    [Theory]
    [InlineData("0", false)]
    [InlineData("''", false)]
    [InlineData("null", false)]
    [InlineData("undefined", false)]
    [InlineData("NaN", false)]
    [InlineData("incident.missing", false)]
    [InlineData("incident.tags.length", false)]
    [InlineData("1", true)]
    [InlineData("'false'", true)]
    [InlineData("[]", true)]
    [InlineData("({})", true)]
    [InlineData("incident.tags", true)]
    [InlineData("vars.channel", true)]
    public void IsTrue_is_javascript_truthiness(string expression, bool expected)
    {
        Assert.Equal(expected, Evaluator.IsTrue(expression, Scopes.Incident()));
    }

    [Fact]
    public void A_script_with_statements_answers_its_last_value()
    {
        Assert.Equal(6, Evaluator.Evaluate("let total = 0; for (const n of vars.list) total += n; total", Scopes.Incident())!.GetValue<int>());
    }

    [Fact]
    public void A_null_incident_is_null_in_script()
    {
        Assert.True(Evaluator.IsTrue("incident === null && alerts.length === 0", Scopes.Empty()));
    }

    [Theory]
    [InlineData("incident.nothing.deeper", "TypeError", "Cannot read properties of undefined")]
    [InlineData("nobody", "ReferenceError", "nobody is not defined")]
    [InlineData("throw new Error('boom')", "Error", "boom")]
    [InlineData("throw 'plain'", "Uncaught", "plain")]
    [InlineData("undeclared = 1", "ReferenceError", "undeclared is not defined")]
    public void Runtime_errors_say_what_failed_and_where(string expression, string name, string message)
    {
        var error = Assert.Throws<ExpressionException>(() => Evaluator.Evaluate(expression, Scopes.Incident()));

        Assert.Equal(ExpressionFailure.Runtime, error.Failure);
        Assert.Contains(name, error.Message, StringComparison.Ordinal);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Contains($"\"{expression}\"", error.Message, StringComparison.Ordinal);
        Assert.Null(error.InnerException);
    }

    [Fact]
    public void A_bigint_result_has_no_json_form()
    {
        var error = Assert.Throws<ExpressionException>(() => Evaluator.Evaluate("10n", Scopes.Incident()));

        Assert.Equal(ExpressionFailure.Result, error.Failure);
        Assert.Contains("BigInt", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cyclic_result_has_no_json_form()
    {
        var error = Assert.Throws<ExpressionException>(() => Evaluator.Evaluate("const o = {}; o.self = o; o", Scopes.Incident()));

        Assert.Equal(ExpressionFailure.Result, error.Failure);
    }

    [Fact]
    public void Long_expressions_are_excerpted_in_messages()
    {
        var expression = "incident.nothing.deeper" + new string(' ', 10)
            + "|| " + string.Join(" || ", Enumerable.Range(0, 40).Select(i => $"vars.v{i}"));

        var error = Assert.Throws<ExpressionException>(() => Evaluator.Evaluate(expression, Scopes.Incident()));

        Assert.Contains("\"incident.nothing.deeper || vars.v0", error.Message, StringComparison.Ordinal);
        Assert.Contains("…\"", error.Message, StringComparison.Ordinal);
        Assert.True(error.Message.Length < 200, error.Message);
    }
}
