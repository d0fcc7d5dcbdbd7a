using System.Text.Json.Nodes;

namespace Respond.Server.Connectors;

/// <summary>
/// Builds the JSON Schema subset connector operations declare and <see cref="InputValidator"/> checks:
/// <c>type</c> (one or several), <c>properties</c>, <c>required</c>, <c>additionalProperties</c>, <c>items</c>,
/// <c>enum</c>, <c>minimum</c>, <c>maximum</c>, <c>minLength</c>. Every call builds fresh nodes, since a
/// <see cref="JsonNode"/> can have only one parent.
/// </summary>
public static class InputSchema
{
    public static JsonObject Object(string[] required, params (string Name, JsonObject Schema)[] properties) =>
        Object(required, allowOtherProperties: false, properties);

    public static JsonObject Object(string[] required, bool allowOtherProperties, params (string Name, JsonObject Schema)[] properties)
    {
        var props = new JsonObject();
        foreach (var (name, schema) in properties)
        {
            props[name] = schema;
        }

        return new JsonObject
        {
            ["type"] = "object",
            ["properties"] = props,
            ["required"] = new JsonArray([.. required.Select(r => (JsonNode)r)]),
            ["additionalProperties"] = allowOtherProperties,
        };
    }

    public static JsonObject String(string description, int minLength = 1) => new()
    {
        ["type"] = "string",
        ["description"] = description,
        ["minLength"] = minLength,
    };

    public static JsonObject Enum(string description, params string[] values) => new()
    {
        ["type"] = "string",
        ["description"] = description,
        ["enum"] = new JsonArray([.. values.Select(v => (JsonNode)v)]),
    };

    public static JsonObject Integer(string description, int? minimum = null, int? maximum = null)
    {
        var schema = new JsonObject { ["type"] = "integer", ["description"] = description };
        if (minimum is not null)
        {
            schema["minimum"] = minimum;
        }

        if (maximum is not null)
        {
            schema["maximum"] = maximum;
        }

        return schema;
    }

    public static JsonObject Boolean(string description) => new() { ["type"] = "boolean", ["description"] = description };

    public static JsonObject AnyObject(string description) => new() { ["type"] = "object", ["description"] = description };

    public static JsonObject ArrayOf(JsonObject items, string description) => new()
    {
        ["type"] = "array",
        ["description"] = description,
        ["items"] = items,
    };

    public static JsonObject StringMap(string description) => new()
    {
        ["type"] = "object",
        ["description"] = description,
        ["additionalProperties"] = new JsonObject { ["type"] = "string" },
    };

    /// <summary>A value of any JSON type.</summary>
    public static JsonObject Any(string description) => new() { ["description"] = description };

    /// <summary>A value of one of several types, e.g. a recipient or a list of recipients.</summary>
    public static JsonObject OneOfTypes(string description, string[] types, JsonObject? items = null)
    {
        var schema = new JsonObject
        {
            ["type"] = new JsonArray([.. types.Select(t => (JsonNode)t)]),
            ["description"] = description,
        };
        if (items is not null)
        {
            schema["items"] = items;
        }

        return schema;
    }
}
