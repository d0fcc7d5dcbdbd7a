namespace Respond.Domain.Playbooks.Expressions;

/// <summary>One piece of a template string: literal text, or the (trimmed) source of a <c>{{ … }}</c>.</summary>
internal readonly record struct TemplatePart(string Text, bool IsExpression);

/// <summary>Splits template strings into text and <c>{{ … }}</c> expressions.</summary>
internal static class TemplateText
{
    private const string Open = "{{";
    private const string Close = "}}";

    public static bool HasTemplate(string text) => text.Contains(Open, StringComparison.Ordinal);

    /// <summary>The parts of <paramref name="text"/>; throws <see cref="ExpressionException"/> on a malformed template.</summary>
    public static List<TemplatePart> Parse(string text)
    {
        var parts = new List<TemplatePart>();
        var position = 0;
        while (position < text.Length)
        {
            var open = text.IndexOf(Open, position, StringComparison.Ordinal);
            if (open < 0)
            {
                parts.Add(new TemplatePart(text[position..], false));
                break;
            }

            if (open > position)
            {
                parts.Add(new TemplatePart(text[position..open], false));
            }

            var start = open + Open.Length;
            var close = FindClose(text, start);
            if (close < 0)
            {
                throw ExpressionErrors.Create(text, ExpressionFailure.Template,
                    $"\"{{{{\" at position {open + 1} has no closing \"}}}}\"", "template");
            }

            var expression = text[start..close].Trim();
            if (expression.Length == 0)
            {
                throw ExpressionErrors.Create(text, ExpressionFailure.Template, "Empty \"{{ }}\"", "template");
            }

            parts.Add(new TemplatePart(expression, true));
            position = close + Close.Length;
        }

        return parts;
    }

    /// <summary>
    /// The first <c>}}</c> outside string literals and braces, so <c>{{ ({a: {b: 1}}) }}</c> and
    /// <c>{{ '}}' }}</c> work; when quotes do not pair up (a regex literal with a quote, say) the
    /// first <c>}}</c> at all.
    /// </summary>
    private static int FindClose(string text, int start)
    {
        var depth = 0;
        var quote = '\0';
        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            if (quote != '\0')
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == quote)
                {
                    quote = '\0';
                }

                continue;
            }

            switch (c)
            {
                case '\'' or '"' or '`':
                    quote = c;
                    break;
                case '{':
                    depth++;
                    break;
                case '}' when depth > 0:
                    depth--;
                    break;
                case '}' when i + 1 < text.Length && text[i + 1] == '}':
                    return i;
            }
        }

        return text.IndexOf(Close, start, StringComparison.Ordinal);
    }
}
