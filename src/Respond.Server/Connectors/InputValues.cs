using System.Text.Json;
using System.Text.Json.Nodes;

namespace Respond.Server.Connectors;

/// <summary>Typed reads of an operation's (already validated) input; a bad value is the playbook's fault, so not retryable.</summary>
public static class InputValues
{
    public static string RequiredString(this ConnectorRequest request, string name) =>
        request.OptionalString(name) is { Length: > 0 } value
            ? value
            : throw Refused(request, $"input.{name} is required.");

    public static string? OptionalString(this ConnectorRequest request, string name) => request.Input[name] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>().Trim(),
        _ => throw Refused(request, $"input.{name} must be a string."),
    };

    public static int? OptionalInteger(this ConnectorRequest request, string name) => request.Input[name] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number && InputValidator.NumberOf(v) is var n && n % 1 == 0
            && n is >= int.MinValue and <= int.MaxValue => (int)n,
        _ => throw Refused(request, $"input.{name} must be an integer."),
    };

    public static bool? OptionalBoolean(this ConnectorRequest request, string name) => request.Input[name] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
        _ => throw Refused(request, $"input.{name} must be true or false."),
    };

    /// <summary>A string or an array of strings, as a list.</summary>
    public static IReadOnlyList<string> StringOrList(this ConnectorRequest request, string name) => request.Input[name] switch
    {
        null => [],
        JsonArray items => [.. items.Select(i => i is JsonValue v && v.GetValueKind() == JsonValueKind.String
            ? v.GetValue<string>().Trim()
            : throw Refused(request, $"input.{name} must hold only strings."))],
        JsonValue v when v.GetValueKind() == JsonValueKind.String => [.. v.GetValue<string>()
            .Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)],
        _ => throw Refused(request, $"input.{name} must be a string or an array of strings."),
    };

    public static ConnectorException Refused(ConnectorRequest request, string reason) =>
        new($"Connector '{request.ConnectorName}' {request.Operation}: {reason}", retryable: false);
}
