using System.Text.Json;
using System.Text.Json.Serialization;

namespace Respond.Server.Hosting;

/// <summary>The contract's JSON: camelCase properties, lower-case kebab enums (<c>true-positive</c>), ISO-8601 times.</summary>
public static class JsonConventions
{
    public static void Apply(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DictionaryKeyPolicy = null;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false));
        options.MaxDepth = 64;
    }

    public static readonly JsonSerializerOptions Api = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Apply(options);
        return options;
    }
}
