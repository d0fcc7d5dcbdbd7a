using System.Globalization;
using System.Text.RegularExpressions;
using Newtonsoft.Json.Linq;
using NJsonSchema;
using NJsonSchema.Validation;
using Respond.Domain.Playbooks.Definitions;
using SchemaError = NJsonSchema.Validation.ValidationError;
using ValidationError = Respond.Domain.Playbooks.Definitions.ValidationError;

namespace Respond.Server.Playbooks.Library;

/// <summary>
/// Turns NJsonSchema's error tree into flat <see cref="ValidationError"/>s that name their step:
/// <c>#/steps[3].retry</c> becomes step <c>steps[3].id</c> with the message about <c>retry</c>. A step
/// matches one of the per-type schemas, so its errors are those of the schema for its own type.
/// </summary>
public static partial class SchemaErrors
{
    private static readonly Lock Gate = new();

    public static IReadOnlyList<ValidationError> Of(JToken document)
    {
        ICollection<SchemaError> found;
        // The validator walks the shared compiled schema; one at a time keeps that walk free of surprises.
        lock (Gate)
        {
            found = PlaybookSchema.Compiled.Validate(document);
        }

        var errors = new List<ValidationError>();
        Flatten(found, document, errors);
        return [.. errors.Distinct()];
    }

    private static void Flatten(IEnumerable<SchemaError> found, JToken document, List<ValidationError> into)
    {
        foreach (var error in found)
        {
            switch (error)
            {
                case ChildSchemaValidationError { Kind: ValidationErrorKind.NotOneOf or ValidationErrorKind.NotAnyOf } choice:
                    FlattenChoice(choice, document, into);
                    break;
                case ChildSchemaValidationError nested:
                    foreach (var childErrors in nested.Errors.Values)
                    {
                        Flatten(childErrors, document, into);
                    }

                    break;
                default:
                    into.Add(Describe(error, document));
                    break;
            }
        }
    }

    /// <summary>
    /// A step is one of the per-type schemas: keep the errors of the one its <c>type</c> names. Any other
    /// choice (a <c>next</c> that is an id or a map) keeps the alternative of the value's JSON kind.
    /// </summary>
    private static void FlattenChoice(ChildSchemaValidationError choice, JToken document, List<ValidationError> into)
    {
        var alternatives = choice.Errors.ToList();
        var discriminated = alternatives.Where(a => TypeNames(a.Key).Count > 0).ToList();
        if (discriminated.Count > 0)
        {
            var type = (choice.Token as JObject)?["type"];
            var typeName = type?.Type == JTokenType.String ? type.Value<string>() : null;
            var match = discriminated.FirstOrDefault(a => TypeNames(a.Key).Contains(typeName ?? ""));
            if (match.Key is not null)
            {
                Flatten(match.Value, document, into);
                return;
            }

            var message = choice.Token is not JObject
                ? "A step is an object."
                : typeName is null
                    ? $"type is required; expected one of {string.Join(", ", StepTypes.All)}."
                    // Worded as PlaybookValidator words it, so the two passes give one error, not two.
                    : $"Unknown step type '{typeName}'; expected one of {string.Join(", ", StepTypes.All)}.";
            into.Add(Locate(choice.Path, message, document));
            return;
        }

        var fitting = alternatives.FirstOrDefault(a => !a.Value.Any(e => IsKindMismatch(e) && e.Path == choice.Path));
        if (fitting.Key is not null)
        {
            Flatten(fitting.Value, document, into);
            return;
        }

        var kinds = alternatives.Select(a => KindName(a.Key.ActualSchema.Type)).Where(k => k.Length > 0).Distinct();
        var at = Position.Of(choice.Path, document);
        into.Add(new ValidationError(at.StepId, $"{at.Where} must be {string.Join(" or ", kinds)}."));
    }

    private static IReadOnlyList<string> TypeNames(JsonSchema alternative) =>
        alternative.ActualSchema.Properties.TryGetValue("type", out var type)
            ? [.. type.ActualSchema.Enumeration.OfType<string>()]
            : [];

    private static bool IsKindMismatch(SchemaError error) => error.Kind is ValidationErrorKind.StringExpected
        or ValidationErrorKind.NumberExpected or ValidationErrorKind.IntegerExpected or ValidationErrorKind.BooleanExpected
        or ValidationErrorKind.ObjectExpected or ValidationErrorKind.ArrayExpected or ValidationErrorKind.NullExpected;

    private static ValidationError Describe(SchemaError error, JToken document)
    {
        var schema = error.Schema?.ActualSchema;
        var at = Position.Of(error.Path, document);
        var where = at.Where;
        var message = error.Kind switch
        {
            ValidationErrorKind.PropertyRequired => $"{where} is required.",
            ValidationErrorKind.NoAdditionalPropertiesAllowed => $"Unknown property '{error.Property}'{at.In}.",
            ValidationErrorKind.NotInEnumeration =>
                $"{where} must be one of {string.Join(", ", schema?.Enumeration.Select(e => e?.ToString()) ?? [])}.",
            ValidationErrorKind.StringExpected => $"{where} must be a string.",
            ValidationErrorKind.NumberExpected => $"{where} must be a number.",
            ValidationErrorKind.IntegerExpected => $"{where} must be a whole number.",
            ValidationErrorKind.BooleanExpected => $"{where} must be true or false.",
            ValidationErrorKind.ObjectExpected => $"{where} must be an object.",
            ValidationErrorKind.ArrayExpected => $"{where} must be an array.",
            ValidationErrorKind.PatternMismatch => $"{where} '{error.Token}' does not fit: {schema?.Description ?? schema?.Pattern}",
            ValidationErrorKind.StringTooShort when schema?.MinLength == 1 => $"{where} must not be empty.",
            ValidationErrorKind.StringTooShort => $"{where} must have at least {schema?.MinLength} characters.",
            ValidationErrorKind.StringTooLong => $"{where} must have at most {schema?.MaxLength} characters.",
            ValidationErrorKind.NumberTooSmall or ValidationErrorKind.IntegerTooBig when schema?.Minimum is { } min && ToDecimal(error.Token) < min =>
                $"{where} must be at least {min.ToString(CultureInfo.InvariantCulture)}.",
            ValidationErrorKind.NumberTooSmall or ValidationErrorKind.NumberTooBig or ValidationErrorKind.IntegerTooBig =>
                $"{where} must be at most {schema?.Maximum?.ToString(CultureInfo.InvariantCulture)}.",
            ValidationErrorKind.TooFewItems => $"{where} must have at least {schema?.MinItems} items.",
            ValidationErrorKind.TooManyItems => $"{where} must have at most {schema?.MaxItems} items.",
            ValidationErrorKind.ItemsNotUnique => $"{where} must not repeat an item.",
            ValidationErrorKind.TooFewProperties => $"{where} must have at least {schema?.MinProperties} entries.",
            _ => $"{where}: {Words(error.Kind.ToString())}.",
        };
        return new ValidationError(at.StepId, message);
    }

    private static ValidationError Locate(string? path, string message, JToken document)
    {
        var at = Position.Of(path, document);
        return new(at.StepId, at.StepId is null && at.Path.Length > 0 ? $"{at.Path}: {message}" : message);
    }

    /// <summary>
    /// Where an error is: inside <c>steps[i]</c> it names step i by its id and speaks of the rest of the
    /// path (<c>retry.maxAttempts</c>); elsewhere, or for a step without a usable id, of the whole path.
    /// </summary>
    private readonly record struct Position(string? StepId, string Path, string ParentPath)
    {
        public string Where => Path.Length > 0 ? Path : StepId is null ? "The playbook" : "The step";

        public string In => ParentPath.Length > 0 ? $" in {ParentPath}" : "";

        public static Position Of(string? schemaPath, JToken document)
        {
            var path = (schemaPath ?? "").TrimStart('#').TrimStart('/');
            var match = StepPath().Match(path);
            string? stepId = null;
            if (match.Success)
            {
                var index = int.Parse(match.Groups["index"].Value, CultureInfo.InvariantCulture);
                var id = ((document["steps"] as JArray)?.ElementAtOrDefault(index) as JObject)?["id"];
                if (id?.Type == JTokenType.String && id.Value<string>() is { Length: > 0 } found)
                {
                    stepId = found;
                    path = path[match.Length..].TrimStart('.');
                }
            }

            var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
            return new Position(stepId, path, cut > 0 ? path[..cut] : "");
        }
    }

    private static decimal? ToDecimal(JToken? token) =>
        token?.Type is JTokenType.Integer or JTokenType.Float ? token.Value<decimal>() : null;

    private static string KindName(JsonObjectType type) => type switch
    {
        JsonObjectType.String => "a string",
        JsonObjectType.Object => "an object",
        JsonObjectType.Array => "an array",
        JsonObjectType.Integer => "a whole number",
        JsonObjectType.Number => "a number",
        JsonObjectType.Boolean => "true or false",
        _ => "",
    };

    private static string Words(string kind) => UpperCase().Replace(kind, " $0").Trim().ToLowerInvariant();

    [GeneratedRegex(@"^steps\[(?<index>\d+)\]")]
    private static partial Regex StepPath();

    [GeneratedRegex("[A-Z]")]
    private static partial Regex UpperCase();
}
