using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Respond.Server.Connectors;

/// <summary>
/// Checks an operation's input against the schema subset <see cref="InputSchema"/> builds. A string holding
/// a <c>{{ … }}</c> template matches any schema: its value is only known when the step runs.
/// </summary>
public static class InputValidator
{
    public static IReadOnlyList<string> Validate(JsonObject schema, JsonNode? input)
    {
        var problems = new List<string>();
        Check(schema, input, "input", problems);
        return problems;
    }

    public static bool IsTemplate(string text)
    {
        var open = text.IndexOf("{{", StringComparison.Ordinal);
        return open >= 0 && text.IndexOf("}}", open + 2, StringComparison.Ordinal) > open;
    }

    private static void Check(JsonObject schema, JsonNode? value, string path, List<string> problems)
    {
        if (value is JsonValue scalar && scalar.GetValueKind() == JsonValueKind.String && IsTemplate(scalar.GetValue<string>()))
        {
            return;
        }

        var types = TypesOf(schema);
        if (types.Count > 0 && !types.Any(t => Matches(t, value)))
        {
            problems.Add($"{path} must be {string.Join(" or ", types)}, not {Describe(value)}.");
            return;
        }

        CheckEnum(schema, value, path, problems);
        CheckBounds(schema, value, path, problems);
        switch (value)
        {
            case JsonObject obj:
                CheckObject(schema, obj, path, problems);
                break;
            case JsonArray array when schema["items"] is JsonObject items:
                for (var i = 0; i < array.Count; i++)
                {
                    Check(items, array[i], $"{path}[{i}]", problems);
                }

                break;
        }
    }

    private static void CheckObject(JsonObject schema, JsonObject obj, string path, List<string> problems)
    {
        var properties = schema["properties"] as JsonObject;
        if (schema["required"] is JsonArray required)
        {
            foreach (var name in required.Select(r => r?.GetValue<string>()).OfType<string>())
            {
                if (obj[name] is null)
                {
                    problems.Add($"{path}.{name} is required.");
                }
            }
        }

        foreach (var (name, child) in obj)
        {
            if (properties?[name] is JsonObject propertySchema)
            {
                if (child is not null)
                {
                    Check(propertySchema, child, $"{path}.{name}", problems);
                }
            }
            else if (schema["additionalProperties"] is JsonObject otherSchema)
            {
                Check(otherSchema, child, $"{path}.{name}", problems);
            }
            else if (schema["additionalProperties"] is JsonValue allowed && allowed.GetValueKind() == JsonValueKind.False)
            {
                var known = properties is null ? "none" : string.Join(", ", properties.Select(p => p.Key));
                problems.Add($"{path}.{name} is not a known property (known: {known}).");
            }
        }
    }

    private static void CheckEnum(JsonObject schema, JsonNode? value, string path, List<string> problems)
    {
        if (schema["enum"] is JsonArray allowed && !allowed.Any(a => JsonNode.DeepEquals(a, value)))
        {
            problems.Add($"{path} must be one of {string.Join(", ", allowed.Select(a => a?.ToJsonString()))}.");
        }
    }

    private static void CheckBounds(JsonObject schema, JsonNode? value, string path, List<string> problems)
    {
        if (value is not JsonValue scalar)
        {
            return;
        }

        var kind = scalar.GetValueKind();
        if (kind == JsonValueKind.Number)
        {
            var number = NumberOf(scalar);
            if (schema["minimum"] is JsonValue min && number < NumberOf(min))
            {
                problems.Add($"{path} must be at least {min}.");
            }

            if (schema["maximum"] is JsonValue max && number > NumberOf(max))
            {
                problems.Add($"{path} must be at most {max}.");
            }
        }
        else if (kind == JsonValueKind.String && schema["minLength"] is JsonValue minLength
            && scalar.GetValue<string>().Trim().Length < NumberOf(minLength))
        {
            problems.Add($"{path} must not be empty.");
        }
    }

    private static List<string> TypesOf(JsonObject schema) => schema["type"] switch
    {
        JsonValue single => [single.GetValue<string>()],
        JsonArray several => [.. several.Select(t => t!.GetValue<string>())],
        _ => [],
    };

    private static bool Matches(string type, JsonNode? value) => type switch
    {
        "object" => value is JsonObject,
        "array" => value is JsonArray,
        "null" => value is null,
        "string" => KindOf(value) == JsonValueKind.String,
        "boolean" => KindOf(value) is JsonValueKind.True or JsonValueKind.False,
        "number" => KindOf(value) == JsonValueKind.Number,
        "integer" => KindOf(value) == JsonValueKind.Number && IsWhole(NumberOf((JsonValue)value!)),
        _ => true,
    };

    // Through the JSON text, since a JsonValue built from an int will not hand out a double.
    internal static double NumberOf(JsonValue value) => double.Parse(value.ToJsonString(), CultureInfo.InvariantCulture);

    private static bool IsWhole(double number) => Math.Abs(number % 1) < double.Epsilon;

    private static JsonValueKind KindOf(JsonNode? value) => value is JsonValue scalar ? scalar.GetValueKind() : JsonValueKind.Undefined;

    private static string Describe(JsonNode? value) => value switch
    {
        null => "null",
        JsonObject => "an object",
        JsonArray => "an array",
        _ => KindOf(value) switch
        {
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            JsonValueKind.True or JsonValueKind.False => "a boolean",
            _ => "an unknown value",
        },
    };
}
