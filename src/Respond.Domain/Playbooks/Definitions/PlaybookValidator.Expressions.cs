using System.Text.Json.Nodes;
using Respond.Domain.Playbooks.Expressions;

namespace Respond.Domain.Playbooks.Definitions;

/// <summary>Expressions and the <c>{{ }}</c> templates in step fields: their syntax only, never run.</summary>
public sealed partial class PlaybookValidator
{
    private void CheckTemplates(string? stepId, JsonNode? template, Action<string?, string> fail)
    {
        IReadOnlyList<string> found;
        try
        {
            found = expressions.TemplateExpressions(template);
        }
        catch (ExpressionException ex)
        {
            fail(stepId, ex.Message);
            return;
        }

        foreach (var expression in found)
        {
            CheckExpression(stepId, "{{ }}", expression, fail);
        }
    }

    private void CheckExpression(string? stepId, string where, string? expression, Action<string?, string> fail)
    {
        if (expression is not null && expressions.CheckSyntax(expression) is { } problem)
        {
            fail(stepId, $"{where}: {problem}");
        }
    }
}
