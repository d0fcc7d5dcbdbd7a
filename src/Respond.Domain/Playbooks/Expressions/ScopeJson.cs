using System.Text.Json;
using System.Text.Json.Nodes;
using Jint;
using Jint.Native.Json;

namespace Respond.Domain.Playbooks.Expressions;

/// <summary>
/// The scope as JSON text, written once per call and parsed into every engine that needs it: each
/// evaluation gets its own copies, so nothing it does reaches the caller's nodes or the next one.
/// </summary>
internal sealed class ScopeJson(ExpressionScope scope)
{
    private static readonly JsonSerializerOptions Options = new() { MaxDepth = ExpressionSandbox.MaxJsonDepth };

    private string[]? texts;

    public void Install(Engine engine)
    {
        texts ??= [Text(scope.Incident), Text(scope.Alerts), Text(scope.Vars), Text(scope.Steps)];
        var parser = new JsonParser(engine);
        engine.SetValue("incident", parser.Parse(texts[0]));
        engine.SetValue("alerts", parser.Parse(texts[1]));
        engine.SetValue("vars", parser.Parse(texts[2]));
        engine.SetValue("steps", parser.Parse(texts[3]));
    }

    private static string Text(JsonNode? node) => node?.ToJsonString(Options) ?? "null";
}
