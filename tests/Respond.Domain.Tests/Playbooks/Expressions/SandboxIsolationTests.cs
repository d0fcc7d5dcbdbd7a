using System.Text.Json.Nodes;
using Respond.Domain.Playbooks.Expressions;

namespace Respond.Domain.Tests.Playbooks.Expressions;

/// <summary>An expression sees its scope and the JavaScript builtins: no CLR, no host, no other evaluation.</summary>
public class SandboxIsolationTests
{
    private static readonly JintExpressionEvaluator Evaluator = Scopes.Evaluator;

    [Theory]
    [InlineData("typeof System")]
    [InlineData("typeof importNamespace")]
    [InlineData("typeof require")]
    [InlineData("typeof process")]
    [InlineData("typeof module")]
    [InlineData("typeof clr")]
    [InlineData("typeof host")]
    [InlineData("typeof eval")]
    [InlineData("typeof ArrayBuffer")]
    [InlineData("typeof Uint8Array")]
    [InlineData("typeof SharedArrayBuffer")]
    [InlineData("typeof Atomics")]
    [InlineData("typeof ShadowRealm")]
    [InlineData("typeof fetch")]
    [InlineData("typeof XMLHttpRequest")]
    [InlineData("typeof setTimeout")]
    public void Host_and_escape_hatches_are_not_there(string expression)
    {
        Assert.Equal("undefined", Evaluator.Evaluate(expression, Scopes.Incident())!.GetValue<string>());
    }

    [Theory]
    [InlineData("System.IO.File.ReadAllText('/etc/passwd')")]
    [InlineData("importNamespace('System.IO').File.ReadAllText('/etc/passwd')")]
    [InlineData("require('fs').readFileSync('/etc/passwd')")]
    [InlineData("this.constructor.constructor('return process')()")]
    [InlineData("incident.constructor.constructor('return this')()")]
    [InlineData("Function('return globalThis')()")]
    [InlineData("(async function () {}).constructor('return 1')")]
    [InlineData("(function* () {}).constructor('yield 1')")]
    [InlineData("eval('1 + 1')")]
    [InlineData("globalThis['ev' + 'al']('1')")]
    [InlineData("import('fs')")]
    [InlineData("new ArrayBuffer(1e9)")]
    [InlineData("incident.GetType()")]
    [InlineData("vars.GetType().Assembly")]
    public void Escapes_fail_with_an_expression_exception(string expression)
    {
        var error = Assert.Throws<ExpressionException>(() => Evaluator.Evaluate(expression, Scopes.Incident()));

        Assert.Null(error.InnerException);
    }

    [Fact]
    public void The_global_object_holds_only_builtins_and_the_scope()
    {
        var names = Evaluator.Evaluate("Object.getOwnPropertyNames(globalThis)", Scopes.Incident())!
            .AsArray().Select(n => n!.GetValue<string>()).ToHashSet();

        Assert.Superset(new HashSet<string> { "incident", "alerts", "vars", "steps", "JSON", "Math", "Array" }, names);
        Assert.DoesNotContain("System", names);
        Assert.DoesNotContain("importNamespace", names);
        Assert.DoesNotContain("require", names);
        Assert.DoesNotContain("eval", names);
    }

    [Fact]
    public void Scope_values_are_plain_javascript_data()
    {
        Assert.True(Evaluator.IsTrue(
            "Object.getPrototypeOf(incident) === Object.prototype && Array.isArray(alerts) && typeof vars.threshold === 'number'",
            Scopes.Incident()));
        Assert.Equal("{\"threshold\":70,\"channel\":\"#soc\",\"list\":[1,2,3]}",
            Evaluator.Evaluate("JSON.stringify(vars)", Scopes.Incident())!.GetValue<string>());
    }

    [Fact]
    public void Globals_assigned_by_one_evaluation_are_gone_in_the_next()
    {
        var scope = Scopes.Incident();

        Assert.Equal(42, Evaluator.Evaluate("globalThis.leak = 42; leak", scope)!.GetValue<int>());
        Assert.Equal("undefined", Evaluator.Evaluate("typeof leak", scope)!.GetValue<string>());

        Evaluator.Evaluate("Object.prototype.polluted = 'yes'; String.prototype.trim = () => 'hacked'; Array.prototype.some = () => false", scope);
        Assert.Null(Evaluator.Evaluate("({}).polluted", scope));
        Assert.Equal("a", Evaluator.Evaluate("' a '.trim()", scope)!.GetValue<string>());
        Assert.True(Evaluator.IsTrue("alerts.some(a => a.category == 'BruteForce')", scope));

        Evaluator.Evaluate("vars.threshold = 1; incident = null", scope);
        Assert.Equal(70, Evaluator.Evaluate("vars.threshold", scope)!.GetValue<int>());
        Assert.Equal("inc-1", Evaluator.Evaluate("incident.id", scope)!.GetValue<string>());
    }

    [Fact]
    public void The_callers_data_is_never_mutated()
    {
        var scope = Scopes.Incident();
        var before = Snapshot(scope);

        Evaluator.Evaluate("""
            incident.title = 'changed'; incident.entities.ips.push('6.6.6.6'); delete incident.severity;
            alerts.length = 0; vars.threshold = 0; vars.added = true; steps.lookup.output = null; 1
            """, scope);
        Evaluator.Render(JsonValue.Create("{{ (incident.status = 'closed', vars.list.pop()) }}"), scope);
        var returned = Evaluator.Evaluate("vars.list", scope)!.AsArray();
        returned.Add(99);

        Assert.Equal(before, Snapshot(scope));
    }

    [Fact]
    public void Returned_values_are_new_nodes()
    {
        var scope = Scopes.Incident();

        var ips = Evaluator.Evaluate("incident.entities.ips", scope);

        Assert.NotSame(scope.Incident!["entities"]!["ips"], ips);
        Assert.Null(ips!.Parent);
    }

    [Fact]
    public void Time_and_culture_do_not_depend_on_the_host()
    {
        Assert.Equal("1970-01-01T00:00:00.000Z|1.5|0",
            Evaluator.Evaluate("new Date(0).toISOString() + '|' + (1.5).toLocaleString() + '|' + new Date(0).getTimezoneOffset()", Scopes.Incident())!
                .GetValue<string>());
    }

    private static string Snapshot(ExpressionScope scope) => string.Join("\n",
        scope.Incident!.ToJsonString(), scope.Alerts!.ToJsonString(), scope.Vars.ToJsonString(), scope.Steps.ToJsonString());
}
