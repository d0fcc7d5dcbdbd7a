using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Respond.Server.Playbooks.Library;

/// <summary>
/// A playbook's <c>vars</c> defaults overlaid with its settings section
/// (<c>Respond:Playbooks:Vars:{playbookId}:{name}</c>). Settings are strings: one overriding a number
/// or boolean default is read as that type, an undeclared one as a number or boolean when it is
/// written as one; nested sections become objects, or arrays when their keys are 0, 1, 2…
/// </summary>
public static partial class PlaybookVars
{
    public static JsonObject Merge(JsonObject? defaults, IConfigurationSection settings)
    {
        var vars = defaults?.DeepClone().AsObject() ?? [];
        foreach (var setting in settings.GetChildren())
        {
            // Settings keys are case-insensitive (environment variables are often upper case); vars are not.
            var name = vars.Select(v => v.Key).FirstOrDefault(k => k.Equals(setting.Key, StringComparison.OrdinalIgnoreCase)) ?? setting.Key;
            vars[name] = Value(setting, vars[name]);
        }

        return vars;
    }

    private static JsonNode? Value(IConfigurationSection setting, JsonNode? declared)
    {
        var children = setting.GetChildren().ToList();
        if (children.Count == 0)
        {
            return Scalar(setting.Value ?? "", declared);
        }

        if (children.All(c => int.TryParse(c.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            var array = new JsonArray();
            foreach (var child in children.OrderBy(c => int.Parse(c.Key, CultureInfo.InvariantCulture)))
            {
                array.Add(Value(child, null));
            }

            return array;
        }

        var obj = declared is JsonObject declaredObject ? declaredObject.DeepClone().AsObject() : [];
        foreach (var child in children)
        {
            obj[child.Key] = Value(child, obj[child.Key]);
        }

        return obj;
    }

    private static JsonNode Scalar(string text, JsonNode? declared)
    {
        var kind = (declared as JsonValue)?.GetValueKind();
        if (kind == System.Text.Json.JsonValueKind.String)
        {
            return JsonValue.Create(text);
        }

        if (bool.TryParse(text, out var flag))
        {
            return JsonValue.Create(flag);
        }

        // Only numbers written the way JSON writes them: "007" or "1,5" stay strings.
        if (JsonNumber().IsMatch(text))
        {
            if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole))
            {
                return JsonValue.Create(whole);
            }

            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && double.IsFinite(real))
            {
                return JsonValue.Create(real);
            }
        }

        return JsonValue.Create(text);
    }

    [GeneratedRegex(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$")]
    private static partial Regex JsonNumber();
}
