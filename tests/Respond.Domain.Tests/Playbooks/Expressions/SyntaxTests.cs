using Respond.Domain.Playbooks.Expressions;

namespace Respond.Domain.Tests.Playbooks.Expressions;

public class SyntaxTests
{
    private static readonly JintExpressionEvaluator Evaluator = Scopes.Evaluator;

    [Theory]
    [InlineData("alerts.some(a => a.category == 'BruteForce')")]
    [InlineData("incident.severity == 'high' || incident.severity == 'critical'")]
    [InlineData("steps.lookup.output.body.score > 70")]
    [InlineData("let x = 1; x + 1")]
    [InlineData("`${incident.title}!`")]
    public void Valid_expressions_have_no_problem(string expression)
    {
        Assert.Null(Evaluator.CheckSyntax(expression));
    }

    [Theory]
    [InlineData("1 +", "Syntax error at 1:4")]
    [InlineData("alerts.some(a => ", "Syntax error")]
    [InlineData("incident.severity === 'high", "Syntax error")]
    [InlineData("with (incident) severity", "strict mode")]
    [InlineData("010", "strict mode")]
    [InlineData("   ", "Empty expression")]
    public void Syntax_errors_are_reported(string expression, string expected)
    {
        var problem = Evaluator.CheckSyntax(expression);

        Assert.NotNull(problem);
        Assert.Contains(expected, problem, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Evaluating_a_syntax_error_throws_the_same_message()
    {
        var error = Assert.Throws<ExpressionException>(() => Evaluator.Evaluate("incident.(", Scopes.Incident()));

        Assert.Equal(ExpressionFailure.Syntax, error.Failure);
        Assert.Equal(Evaluator.CheckSyntax("incident.("), error.Message);
        Assert.Contains("\"incident.(\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Expressions_longer_than_the_limit_are_refused_before_parsing()
    {
        var expression = "1 + " + string.Join(" + ", Enumerable.Repeat("1", 2_000));

        var problem = Evaluator.CheckSyntax(expression);
        var error = Assert.Throws<ExpressionException>(() => Evaluator.Evaluate(expression, Scopes.Incident()));

        Assert.Contains("exceeds the limit of 4,000", problem, StringComparison.Ordinal);
        Assert.Equal(ExpressionFailure.ExpressionLength, error.Failure);
    }

    [Fact]
    public void Deeply_nested_source_is_a_syntax_error_even_on_a_small_stack()
    {
        var expression = "incident" + string.Concat(Enumerable.Repeat(".a", 1_900));
        string? problem = null;

        // 256 KiB is far less than a thread-pool thread has; parsing must not depend on it.
        var thread = new Thread(() => problem = new JintExpressionEvaluator().CheckSyntax(expression), 256 * 1024);
        thread.Start();
        thread.Join();

        Assert.Contains("nesting", problem, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Nesting_within_the_parser_limit_evaluates()
    {
        var expression = new string('[', 200) + new string(']', 200) + ".length";

        Assert.Equal(1, Evaluator.Evaluate(expression, Scopes.Incident())!.GetValue<int>());
    }
}
