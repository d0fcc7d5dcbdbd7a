using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Respond.Domain.Playbooks.Expressions;

namespace Respond.Domain.Tests.Playbooks.Expressions;

public class ExpressionCacheTests
{
    [Fact]
    public void One_expression_is_compiled_once_and_answers_for_every_scope()
    {
        var evaluator = new JintExpressionEvaluator();

        for (var score = 0; score < 200; score++)
        {
            Assert.Equal(score > 70, evaluator.IsTrue("steps.lookup.output.body.score > 70", Scopes.Incident(score: score)));
            Assert.Equal(score, evaluator.Evaluate("steps.lookup.output.body.score", Scopes.Incident(score: score))!.GetValue<int>());
        }

        Assert.Equal(2, evaluator.CachedExpressions);
    }

    [Fact]
    public void Syntax_errors_are_cached_too()
    {
        var evaluator = new JintExpressionEvaluator();

        Assert.NotNull(evaluator.CheckSyntax("1 +"));
        Assert.Throws<ExpressionException>(() => evaluator.Evaluate("1 +", Scopes.Incident()));

        Assert.Equal(1, evaluator.CachedExpressions);
    }

    [Fact]
    public void The_cache_is_bounded()
    {
        var evaluator = new JintExpressionEvaluator(new ExpressionLimits { MaxCachedExpressions = 10 });

        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(i + 1, evaluator.Evaluate($"{i} + 1", Scopes.Empty())!.GetValue<int>());
        }

        Assert.InRange(evaluator.CachedExpressions, 1, 10);
    }

    [Fact]
    public void Concurrent_evaluations_agree()
    {
        var evaluator = new JintExpressionEvaluator();
        var severities = new[] { "low", "medium", "high", "critical" };
        var wrong = new ConcurrentBag<string>();

        Parallel.For(0, 400, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var severity = severities[i % severities.Length];
            var scope = Scopes.Incident(severity, i % 3 == 0 ? "BruteForce" : "Phishing", score: i);

            var severe = evaluator.IsTrue("incident.severity == 'high' || incident.severity == 'critical'", scope);
            var brute = evaluator.IsTrue("alerts.some(a => a.category == 'BruteForce')", scope);
            var score = evaluator.Evaluate("steps.lookup.output.body.score", scope)!.GetValue<int>();
            var text = evaluator.Render(JsonValue.Create("{{ incident.severity }}:{{ steps.lookup.output.body.score }}"), scope)!.GetValue<string>();

            if (severe != (severity is "high" or "critical") || brute != (i % 3 == 0) || score != i || text != $"{severity}:{i}")
            {
                wrong.Add($"{i}: {severe} {brute} {score} {text}");
            }
        });

        Assert.Empty(wrong);
        Assert.Equal(4, evaluator.CachedExpressions);
    }
}
