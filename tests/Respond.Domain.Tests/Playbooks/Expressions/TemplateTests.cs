using System.Text.Json.Nodes;
using Respond.Domain.Playbooks.Expressions;

namespace Respond.Domain.Tests.Playbooks.Expressions;

public class TemplateTests
{
    private static readonly JintExpressionEvaluator Evaluator = Scopes.Evaluator;

    [Fact]
    public void Text_with_templates_becomes_text()
    {
        var rendered = Evaluator.Render(JsonValue.Create("New incident {{ incident.title }}"), Scopes.Incident());

        Assert.Equal("New incident Brute force on vm-01", rendered!.GetValue<string>());
    }

    [Fact]
    public void A_string_that_is_one_template_becomes_the_raw_value()
    {
        var scope = Scopes.Incident();

        Assert.Equal("203.0.113.7", Evaluator.Render(JsonValue.Create("{{ incident.entities.ips[0] }}"), scope)!.GetValue<string>());
        Assert.Equal(70, Evaluator.Render(JsonValue.Create("{{vars.threshold}}"), scope)!.GetValue<int>());
        Assert.True(Evaluator.Render(JsonValue.Create("{{ vars.threshold > 1 }}"), scope)!.GetValue<bool>());
        Assert.Null(Evaluator.Render(JsonValue.Create("{{ incident.nothing }}"), scope));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""["203.0.113.7","198.51.100.2"]"""),
            Evaluator.Render(JsonValue.Create("{{ incident.entities.ips }}"), scope)));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"score":85}"""),
            Evaluator.Render(JsonValue.Create("{{ steps.lookup.output.body }}"), scope)));
    }

    [Fact]
    public void Values_inside_text_read_as_text()
    {
        var rendered = Evaluator.Render(
            JsonValue.Create("{{ vars.threshold }}% of {{ incident.entities.hosts }} / {{ incident.nothing }} / {{ true }} / {{ 'é' }}"),
            Scopes.Incident());

        Assert.Equal("70% of [\"vm-01\"] /  / true / é", rendered!.GetValue<string>());
    }

    [Fact]
    public void Objects_and_arrays_render_deeply_and_leave_other_leaves_alone()
    {
        var template = JsonNode.Parse("""
            {
              "text": "Block {{ incident.entities.ips[0] }} on {{ incident.entities.hosts[0] }}",
              "ip": "{{ incident.entities.ips[0] }}",
              "ips": "{{ incident.entities.ips }}",
              "plain": "no templates here",
              "count": 3,
              "flag": false,
              "none": null,
              "nested": { "list": [ "{{ vars.threshold }}", 1.5, { "deep": "{{ steps.lookup.output.status }}" } ] },
              "{{ not.a.template }}": "keys are not rendered"
            }
            """);
        var before = template!.ToJsonString();

        var rendered = Evaluator.Render(template, Scopes.Incident());

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            {
              "text": "Block 203.0.113.7 on vm-01",
              "ip": "203.0.113.7",
              "ips": ["203.0.113.7", "198.51.100.2"],
              "plain": "no templates here",
              "count": 3,
              "flag": false,
              "none": null,
              "nested": { "list": [ 70, 1.5, { "deep": 200 } ] },
              "{{ not.a.template }}": "keys are not rendered"
            }
            """), rendered), rendered?.ToJsonString());
        Assert.Equal(before, template.ToJsonString());
    }

    [Fact]
    public void Rendering_null_is_null_and_numbers_are_copies()
    {
        var number = JsonValue.Create(5);

        Assert.Null(Evaluator.Render(null, Scopes.Incident()));
        var rendered = Evaluator.Render(number, Scopes.Incident());
        Assert.Equal(5, rendered!.GetValue<int>());
        Assert.NotSame(number, rendered);
    }

    [Theory]
    [InlineData("{{ ({ a: { b: 1 } }).a.b }}", 1)]
    [InlineData("{{ '}}'.length }}", 2)]
    [InlineData("{{ `${vars.threshold}`.length }}", 2)]
    public void Closing_braces_inside_an_expression_do_not_end_it(string template, int expected)
    {
        Assert.Equal(expected, Evaluator.Render(JsonValue.Create(template), Scopes.Incident())!.GetValue<int>());
    }

    [Theory]
    [InlineData("New incident {{ incident.title")]
    [InlineData("{{")]
    [InlineData("ok {{ vars.threshold }} then {{ broken")]
    public void An_open_without_close_is_an_error(string template)
    {
        var render = Assert.Throws<ExpressionException>(() => Evaluator.Render(JsonValue.Create(template), Scopes.Incident()));
        var list = Assert.Throws<ExpressionException>(() => Evaluator.TemplateExpressions(new JsonObject { ["text"] = template }));

        Assert.Equal(ExpressionFailure.Template, render.Failure);
        Assert.Contains("has no closing \"}}\"", render.Message, StringComparison.Ordinal);
        Assert.Contains("has no closing \"}}\"", list.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_template_is_an_error()
    {
        var error = Assert.Throws<ExpressionException>(() => Evaluator.TemplateExpressions(JsonValue.Create("a {{ }} b")));

        Assert.Equal(ExpressionFailure.Template, error.Failure);
    }

    [Fact]
    public void Errors_name_the_path_inside_the_template()
    {
        var template = JsonNode.Parse("""{ "input": { "list": [ "ok", "{{ incident.nothing.deeper }}" ] } }""");

        var error = Assert.Throws<ExpressionException>(() => Evaluator.Render(template, Scopes.Incident()));

        Assert.Equal(ExpressionFailure.Runtime, error.Failure);
        Assert.Contains("$.input.list[1]", error.Message, StringComparison.Ordinal);
        Assert.Contains("TypeError", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TemplateExpressions_lists_every_expression_in_order()
    {
        var template = JsonNode.Parse("""
            { "a": "{{ incident.title }} and {{vars.channel}}", "b": [ "x", { "c": "{{ steps.lookup.output }}" } ], "d": 1, "e": "plain" }
            """);

        Assert.Equal(["incident.title", "vars.channel", "steps.lookup.output"], Evaluator.TemplateExpressions(template));
        Assert.Empty(Evaluator.TemplateExpressions(null));
        Assert.Empty(Evaluator.TemplateExpressions(JsonValue.Create(42)));
    }
}
