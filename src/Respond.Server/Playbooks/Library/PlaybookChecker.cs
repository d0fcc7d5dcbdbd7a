using System.Text.Json;
using Marten;
using Newtonsoft.Json.Linq;
using Respond.Domain.Playbooks.Definitions;
using Respond.Domain.Playbooks.Expressions;
using Respond.Server.Connectors;
using NewtonsoftReader = Newtonsoft.Json.JsonTextReader;

namespace Respond.Server.Playbooks.Library;

/// <summary>The outcome of checking a playbook's text. <see cref="Definition"/> is null when the text does not read as one.</summary>
public sealed record PlaybookCheck(string? DeclaredId, PlaybookDefinition? Definition, IReadOnlyList<ValidationError> Errors)
{
    public bool Valid => Definition is not null && Errors.Count == 0;
}

/// <summary>Text that is not a JSON object at all: the caller answers 400 instead of listing errors.</summary>
public sealed class MalformedPlaybookException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Both passes over a playbook's text: the JSON Schema for its shape (unknown fields, types, required
/// fields, each error naming its step), then <see cref="PlaybookValidator"/> for its meaning (connectors,
/// references, the graph, expressions). Every error of both passes is reported, each once.
/// </summary>
public sealed class PlaybookChecker(IExpressionEvaluator expressions, IConnectors connectors, IDocumentStore store)
{
    /// <summary>Ids that would hide behind the library's own routes (<c>/api/playbooks/schema</c>).</summary>
    public static readonly IReadOnlySet<string> ReservedIds = new HashSet<string>(StringComparer.Ordinal) { "schema", "validate" };

    private static readonly JsonDocumentOptions StrictJson = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
        MaxDepth = 64,
        AllowDuplicateProperties = false,
    };

    /// <summary>Checks against the playbooks published now.</summary>
    public async Task<PlaybookCheck> CheckAsync(string json, CancellationToken ct)
    {
        var document = Read(json);
        await using var session = store.QuerySession();
        return Check(document, json, await PlaybookEnvironment.LoadAsync(connectors, session, null, ct));
    }

    /// <exception cref="MalformedPlaybookException">The text is not a JSON object.</exception>
    public PlaybookCheck Check(string json, IPlaybookEnvironment environment) => Check(Read(json), json, environment);

    private PlaybookCheck Check(JObject document, string json, IPlaybookEnvironment environment)
    {
        var errors = new List<ValidationError>(SchemaErrors.Of(document));
        PlaybookDefinition? definition = null;
        try
        {
            definition = PlaybookJson.Parse(json);
        }
        catch (PlaybookFormatException ex)
        {
            // Schema errors, when there are any, already say field by field why the text does not read.
            if (errors.Count == 0)
            {
                errors.Add(new ValidationError(null, ex.Message));
            }
        }

        if (definition is not null)
        {
            errors.AddRange(new PlaybookValidator(expressions, environment).Validate(definition));
            if (ReservedIds.Contains(definition.Id))
            {
                errors.Add(new ValidationError(null, $"id '{definition.Id}' is reserved by the API's own routes."));
            }
        }

        var declaredId = document["id"] is { Type: JTokenType.String } id ? id.Value<string>() : null;
        return new PlaybookCheck(declaredId, definition, [.. errors.Distinct()]);
    }

    /// <summary>
    /// System.Text.Json decides what is JSON (Newtonsoft would also take single quotes and bare names);
    /// Newtonsoft then gives the schema validator its tree, with line numbers.
    /// </summary>
    private static JObject Read(string json)
    {
        try
        {
            using var strict = JsonDocument.Parse(json, StrictJson);
            if (strict.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new MalformedPlaybookException("A playbook is a JSON object.");
            }
        }
        catch (JsonException ex)
        {
            throw new MalformedPlaybookException($"The body is not valid JSON: {ex.Message}", ex);
        }

        try
        {
            using var text = new StringReader(json);
            using var reader = new NewtonsoftReader(text) { DateParseHandling = Newtonsoft.Json.DateParseHandling.None, MaxDepth = 64 };
            return (JObject)JToken.ReadFrom(reader, new JsonLoadSettings
            {
                CommentHandling = CommentHandling.Ignore,
                LineInfoHandling = LineInfoHandling.Load,
                DuplicatePropertyNameHandling = DuplicatePropertyNameHandling.Error,
            });
        }
        catch (Newtonsoft.Json.JsonException ex)
        {
            throw new MalformedPlaybookException($"The body is not valid JSON: {ex.Message}", ex);
        }
    }
}
