using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Jint;
using Jint.Native;
using Jint.Runtime;
using Jint.Runtime.Interop;

namespace Respond.Domain.Playbooks.Expressions;

/// <summary>
/// Converts an expression's value to JSON with <c>JSON.stringify</c>'s rules (undefined, functions
/// and symbols → null, NaN and Infinity → null, dates → ISO strings, <c>toJSON</c> honoured).
/// </summary>
internal static class JsonResult
{
    private static readonly JsonDocumentOptions Parse = new() { MaxDepth = ExpressionSandbox.MaxJsonDepth };

    private static readonly JsonSerializerOptions Text = new()
    {
        MaxDepth = ExpressionSandbox.MaxJsonDepth,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static JsonNode? ToNode(Engine engine, JsValue value, string source, ExpressionLimits limits)
    {
        var max = limits.MaxResultLength;
        if (value is JsString big && big.Length > max)
        {
            throw TooLarge(source, max);
        }

        // The replacer counts as the serializer goes, so a value whose JSON is huge (one long
        // string referenced a thousand times) is refused before that JSON is ever built.
        long budget = max;
        var replacer = new ClrFunction(engine, "budget", (_, arguments) =>
        {
            var key = arguments.Length > 0 ? arguments[0] : JsValue.Undefined;
            var item = arguments.Length > 1 ? arguments[1] : JsValue.Undefined;
            budget -= 2 + (key is JsString k ? k.Length : 0) + (item is JsString s ? s.Length : 0);
            return budget < 0 ? throw TooLarge(source, max) : item;
        });

        JsValue json;
        try
        {
            json = new Jint.Native.Json.JsonSerializer(engine).Serialize(value, replacer, JsValue.Undefined);
        }
        catch (JavaScriptException exception)
        {
            var (_, problem) = ExpressionErrors.Describe(exception, limits);
            throw ExpressionErrors.Create(source, ExpressionFailure.Result, $"Value has no JSON form ({problem})");
        }

        if (json is not JsString text)
        {
            return null;
        }

        if (text.Length > max)
        {
            throw TooLarge(source, max);
        }

        try
        {
            return JsonNode.Parse(text.ToString(), documentOptions: Parse);
        }
        catch (JsonException)
        {
            throw ExpressionErrors.Create(source, ExpressionFailure.Result,
                $"Value is nested deeper than {ExpressionSandbox.MaxJsonDepth} levels");
        }
    }

    /// <summary>How a value reads inside text: strings as they are, null as nothing, the rest as JSON.</summary>
    public static string AsText(JsonNode? node) => node switch
    {
        null => "",
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        _ => node.ToJsonString(Text),
    };

    private static ExpressionException TooLarge(string source, int max) =>
        ExpressionErrors.Create(source, ExpressionFailure.Result, $"Value is larger than the limit of {max:N0} characters of JSON");
}
