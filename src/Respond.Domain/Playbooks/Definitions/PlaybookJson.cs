using System.Text.Json;
using System.Text.Json.Serialization;

namespace Respond.Domain.Playbooks.Definitions;

/// <summary>Reads and writes the playbook file format (camelCase JSON, SPEC §4).</summary>
public static class PlaybookJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        MaxDepth = 64,
        Converters = { new StepNextConverter() },
    };

    /// <summary>Parses a definition; throws <see cref="PlaybookFormatException"/> with the position of the first fault.</summary>
    public static PlaybookDefinition Parse(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<PlaybookDefinition>(json, Options)
                ?? throw new PlaybookFormatException("The playbook is empty (null).");
        }
        catch (JsonException ex)
        {
            throw new PlaybookFormatException($"The playbook is not valid JSON for the format: {ex.Message}", ex);
        }
    }

    public static string Write(PlaybookDefinition definition) => JsonSerializer.Serialize(definition, Options);

    private sealed class StepNextConverter : JsonConverter<StepNext>
    {
        public override StepNext? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.Null:
                    return null;
                case JsonTokenType.String:
                    return StepNext.To(reader.GetString()!);
                case JsonTokenType.StartObject:
                    var map = JsonSerializer.Deserialize<Dictionary<string, string>>(ref reader, options)
                        ?? throw new JsonException("next must map outcomes to step ids.");
                    return StepNext.Map(map);
                default:
                    throw new JsonException("next must be a step id or an object mapping outcomes to step ids.");
            }
        }

        public override void Write(Utf8JsonWriter writer, StepNext value, JsonSerializerOptions options)
        {
            if (value.Outcomes.Count == 0 && value.Default is not null)
            {
                writer.WriteStringValue(value.Default);
                return;
            }

            writer.WriteStartObject();
            if (value.Default is not null)
            {
                writer.WriteString(Outcome.Success, value.Default);
            }

            foreach (var (outcome, target) in value.Outcomes)
            {
                writer.WriteString(outcome, target);
            }

            writer.WriteEndObject();
        }
    }
}

public sealed class PlaybookFormatException(string message, Exception? inner = null) : Exception(message, inner);
