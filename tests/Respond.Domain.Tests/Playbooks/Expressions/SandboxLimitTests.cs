using System.Diagnostics;
using Respond.Domain.Playbooks.Expressions;

namespace Respond.Domain.Tests.Playbooks.Expressions;

/// <summary>Runaway expressions fail within their limit and leave the evaluator as good as new.</summary>
public class SandboxLimitTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(3);

    // With statements unlimited, time and memory are what stop a loop.
    private static readonly JintExpressionEvaluator Unbounded = new(new ExpressionLimits { MaxStatements = int.MaxValue });

    public static TheoryData<string, ExpressionFailure> DefaultLimitCases() => new()
    {
        { "while (true) {}", ExpressionFailure.Statements },
        { "for (;;) {}", ExpressionFailure.Statements },
        { "function f() { return f() } f()", ExpressionFailure.Recursion },
        { "try { (function f() { return f() })() } catch (e) { 'caught' }", ExpressionFailure.Recursion },
        { "({ get x() { return this.x } }).x", ExpressionFailure.Recursion },
        { "const o = { toString() { return String(o) } }; String(o)", ExpressionFailure.Recursion },
        { "let a = []; for (let i = 0; i < 20000; i++) a = [a]; String(a)", ExpressionFailure.Recursion },
        { "'x'.repeat(1e9)", ExpressionFailure.Memory },
        { "'x'.repeat(5e8).length", ExpressionFailure.Memory },
        { "'x'.padEnd(5e8).length", ExpressionFailure.Memory },
        { "let s = 'x'; for (;;) s = s + s", ExpressionFailure.Memory },
        { "'x'.repeat(8e6).toUpperCase().length", ExpressionFailure.Memory },
        { "new Array(1e9).fill(0)", ExpressionFailure.Memory },
        { "'x'.repeat(2e6)", ExpressionFailure.Result },
        { "const s = 'x'.repeat(1e5); Array(1000).fill(s)", ExpressionFailure.Result },
        { "String.prototype['re' + 'peat'].call('x', 1e9)", ExpressionFailure.Memory },
        { "Reflect.apply(String.prototype.padStart, 'x', [5e8])", ExpressionFailure.Memory },
        { "const r = ''.repeat; r.call('ab', 5e8)", ExpressionFailure.Memory },
    };

    [Theory]
    [InlineData("'ab'.repeat(3)", "ababab")]
    [InlineData("'x'.padStart(3, '-') + '|' + 'x'.padEnd(3, '.')", "--x|x..")]
    [InlineData("String(String.prototype.repeat.name) + Object.keys(String.prototype).length", "repeat0")]
    [InlineData("try { 'x'.repeat(1e9) } catch (e) { e instanceof RangeError ? 'caught' : 'other' }", "caught")]
    [InlineData("try { 'x'.repeat(-1) } catch (e) { e.name }", "RangeError")]
    public void The_guarded_string_builtins_behave_as_the_originals_within_the_limit(string expression, string expected)
    {
        Assert.Equal(expected, Scopes.Evaluator.Evaluate(expression, Scopes.Incident())!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(DefaultLimitCases))]
    public void Default_limits_stop_runaway_expressions(string expression, ExpressionFailure expected)
    {
        var error = Fails(Scopes.Evaluator, expression);

        Assert.Equal(expected, error.Failure);
        Assert.Contains($"\"{expression[..Math.Min(20, expression.Length)]}", error.Message, StringComparison.Ordinal);
        StillWorks(Scopes.Evaluator);
    }

    [Fact]
    public void The_time_limit_stops_a_loop_after_about_a_second()
    {
        var clock = Stopwatch.StartNew();
        var error = Fails(Unbounded, "while (true) {}");

        Assert.Equal(ExpressionFailure.Timeout, error.Failure);
        Assert.Contains("Time limit of 1 s exceeded", error.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.9), $"stopped after {clock.Elapsed}");
        StillWorks(Unbounded);
    }

    [Fact]
    public void The_time_limit_covers_a_getter_run_while_converting_the_value()
    {
        var error = Fails(Unbounded, "({ get a() { for (;;) {} } })");

        Assert.Equal(ExpressionFailure.Timeout, error.Failure);
    }

    [Fact]
    public void A_catastrophic_regular_expression_times_out()
    {
        var error = Fails(Unbounded, "/(a+)+$/.test('a'.repeat(40) + '!')");

        Assert.Equal(ExpressionFailure.Timeout, error.Failure);
        StillWorks(Unbounded);
    }

    [Fact]
    public void The_memory_limit_stops_a_growing_array()
    {
        var error = Fails(Unbounded, "const a = []; while (true) a.push('item number ' + a.length)");

        Assert.Equal(ExpressionFailure.Memory, error.Failure);
        Assert.Contains("Memory limit of 16 MiB exceeded", error.Message, StringComparison.Ordinal);
        StillWorks(Unbounded);
    }

    [Fact]
    public void Limits_are_configurable()
    {
        var tight = new JintExpressionEvaluator(new ExpressionLimits
        {
            Timeout = TimeSpan.FromMilliseconds(200),
            RecursionDepth = 5,
            MaxStatements = 50,
            MaxExpressionLength = 20,
            MaxResultLength = 10,
            MemoryBytes = 1024 * 1024,
        });
        var scope = Scopes.Incident();

        Assert.Equal(2, tight.Evaluate("1 + 1", scope)!.GetValue<int>());
        Assert.Equal(ExpressionFailure.ExpressionLength, Fails(tight, "vars.threshold + vars.threshold").Failure);
        Assert.Equal(ExpressionFailure.Statements, Fails(tight, "for (;;) {}").Failure);
        Assert.Equal(ExpressionFailure.Result, Fails(tight, "'x'.repeat(11)").Failure);
        Assert.Equal(ExpressionFailure.Memory, Fails(tight, "'x'.repeat(6e5)").Failure);

        var recursion = new JintExpressionEvaluator(new ExpressionLimits { RecursionDepth = 5 });
        Assert.Equal(0, recursion.Evaluate("function f(n) { return n ? f(n - 1) : 0 } f(3)", scope)!.GetValue<int>());
        Assert.Equal(ExpressionFailure.Recursion, Fails(recursion, "function f(n) { return n ? f(n - 1) : 0 } f(10)").Failure);

        var quick = new JintExpressionEvaluator(new ExpressionLimits { Timeout = TimeSpan.FromMilliseconds(200), MaxStatements = int.MaxValue });
        var clock = Stopwatch.StartNew();
        Assert.Contains("Time limit of 200 ms exceeded", Fails(quick, "for (;;) {}").Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1.5), $"stopped after {clock.Elapsed}");
    }

    [Theory]
    [InlineData(0, 1, 1, 1)]
    [InlineData(1, 0, 1, 1)]
    [InlineData(1, 1, 0, 1)]
    [InlineData(1, 1, 1, -1)]
    public void Nonsense_limits_are_refused(int seconds, long memory, int depth, int statements)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new JintExpressionEvaluator(new ExpressionLimits
        {
            Timeout = TimeSpan.FromSeconds(seconds),
            MemoryBytes = memory,
            RecursionDepth = depth,
            MaxStatements = statements,
        }));
    }

    [Fact]
    public void Runaway_expressions_on_several_threads_fail_while_others_succeed()
    {
        var runaway = new[] { "for (;;) {}", "function f() { return f() } f()", "'x'.repeat(5e8)", "const a = []; for (;;) a.push(a.length)" };
        var failures = 0;
        var clock = Stopwatch.StartNew();

        Parallel.For(0, 64, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            if (i % 2 == 0)
            {
                Assert.Throws<ExpressionException>(() => Scopes.Evaluator.Evaluate(runaway[i / 2 % runaway.Length], Scopes.Incident()));
                Interlocked.Increment(ref failures);
            }
            else
            {
                Assert.Equal(i > 70, Scopes.Evaluator.IsTrue("steps.lookup.output.body.score > 70", Scopes.Incident(score: i)));
            }
        });

        Assert.Equal(32, failures);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    private static ExpressionException Fails(JintExpressionEvaluator evaluator, string expression)
    {
        var clock = Stopwatch.StartNew();
        var error = Assert.Throws<ExpressionException>(() => evaluator.Evaluate(expression, Scopes.Incident()));
        Assert.True(clock.Elapsed < Deadline, $"'{expression}' took {clock.Elapsed} to fail: {error.Message}");
        Assert.Null(error.InnerException);
        return error;
    }

    private static void StillWorks(JintExpressionEvaluator evaluator)
    {
        Assert.True(evaluator.IsTrue("alerts.some(a => a.category == 'BruteForce')", Scopes.Incident()));
        Assert.Equal("203.0.113.7", evaluator.Evaluate("incident.entities.ips[0]", Scopes.Incident())!.GetValue<string>());
    }
}
