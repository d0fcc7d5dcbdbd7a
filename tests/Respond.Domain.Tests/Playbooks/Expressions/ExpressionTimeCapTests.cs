using Respond.Domain.Playbooks.Expressions;

namespace Respond.Domain.Tests.Playbooks.Expressions;

/// <summary>The alert path's tighter time limit: it stops slow expressions early and says so, and nothing outside it.</summary>
public class ExpressionTimeCapTests
{
    // A loop that runs for about a second (statements unlimited), far past a 20 ms cap and well inside the 5 s limit.
    private const string SlowExpression = "const end = Date.now() + 1000; while (Date.now() < end) {} true";

    private static readonly JintExpressionEvaluator Evaluator = new(new ExpressionLimits
    {
        MaxStatements = int.MaxValue,
        Timeout = TimeSpan.FromSeconds(5),
    });

    [Fact]
    public void A_slow_expression_under_the_cap_fails_on_time_and_the_cap_records_it()
    {
        using var cap = ExpressionTimeCap.Begin(TimeSpan.FromMilliseconds(20));

        var error = Assert.Throws<ExpressionException>(() => Evaluator.IsTrue(SlowExpression, Scopes.Incident()));

        Assert.Equal(ExpressionFailure.Timeout, error.Failure);
        Assert.True(cap.Exceeded);
    }

    [Fact]
    public void A_quick_expression_under_the_cap_is_evaluated_and_leaves_the_cap_clear()
    {
        using var cap = ExpressionTimeCap.Begin(TimeSpan.FromSeconds(2));

        Assert.True(Evaluator.IsTrue("alerts.some(a => a.category == 'BruteForce')", Scopes.Incident()));
        Assert.False(cap.Exceeded);
    }

    [Fact]
    public void A_script_error_under_the_cap_is_not_taken_for_running_out_of_time()
    {
        using var cap = ExpressionTimeCap.Begin(TimeSpan.FromSeconds(2));

        Assert.Throws<ExpressionException>(() => Evaluator.IsTrue("incident.nothing.here", Scopes.Incident()));
        Assert.False(cap.Exceeded);
    }

    [Fact]
    public void Once_the_cap_is_disposed_the_full_limit_applies_again()
    {
        using (ExpressionTimeCap.Begin(TimeSpan.FromMilliseconds(20)))
        {
            Assert.NotNull(ExpressionTimeCap.Current);
        }

        Assert.Null(ExpressionTimeCap.Current);
        Assert.True(Evaluator.IsTrue("const end = Date.now() + 100; while (Date.now() < end) {} true", Scopes.Incident()));
    }

    [Fact]
    public void A_one_millisecond_cap_stops_a_loop_the_default_limits_let_finish()
    {
        // What the test of the queued trigger path relies on (QueuedTriggerTests).
        const string loop = "for (let i = 0; i < 30000; i++) {} true";
        Assert.True(Scopes.Evaluator.IsTrue(loop, Scopes.Incident()));

        using var cap = ExpressionTimeCap.Begin(TimeSpan.FromMilliseconds(1));
        Assert.Throws<ExpressionException>(() => Scopes.Evaluator.IsTrue(loop, Scopes.Incident()));
        Assert.True(cap.Exceeded);
    }
}
