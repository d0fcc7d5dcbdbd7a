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

    // Reading only: a null or missing value where the model has none ("steps": null, "roles": null, an
    // observable without value) would otherwise reach validation as a null reference and crash it.
    private static readonly JsonSerializerOptions ReadOptions = new(Options)
    {
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    /// <summary>Parses a definition; throws <see cref="PlaybookFormatException"/> with the position of the first fault.</summary>
    public static PlaybookDefinition Parse(string json)
    {
        PlaybookDefinition definition;
        try
        {
            definition = JsonSerializer.Deserialize<PlaybookDefinition>(json, ReadOptions)
                ?? throw new PlaybookFormatException("The playbook is empty (null).");
        }
        catch (JsonException ex)
        {
            throw new PlaybookFormatException($"The playbook is not valid JSON for the format: {ex.Message}", ex);
        }

        RefuseNullItems(definition);
        return definition;
    }

    /// <summary>Nullable annotations do not reach list items, so a null inside a list is refused here.</summary>
    private static void RefuseNullItems(PlaybookDefinition definition)
    {
        for (var i = 0; i < definition.Steps.Count; i++)
        {
            var step = definition.Steps[i];
            if (step is null)
            {
                throw new PlaybookFormatException($"steps[{i}] is null; a step is an object.");
            }

            if (step.Branches?.Any(b => b is null) == true)
            {
                throw new PlaybookFormatException($"steps[{i}].branches holds a null; a branch is a step id.");
            }

            if (step.Approvers is { } approvers && (approvers.Roles.Any(r => r is null) || approvers.Users.Any(u => u is null)))
            {
                throw new PlaybookFormatException($"steps[{i}].approvers holds a null role or user.");
            }
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
                    var map = JsonSerializer.Deserialize<Dictionary<string, string?>>(ref reader, options)
                        ?? throw new JsonException("next must map outcomes to step ids.");
                    if (map.FirstOrDefault(o => o.Value is null) is { Key: { } outcome, Value: null })
                    {
                        // A null target would reach the validator's dictionary look-ups and throw there.
                        throw new JsonException($"next.{outcome} must be a step id, not null.");
                    }

                    return StepNext.Map(map.ToDictionary(o => o.Key, o => o.Value!, StringComparer.Ordinal));
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
