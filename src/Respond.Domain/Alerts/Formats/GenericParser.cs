using System.Text.Json;
using System.Text.RegularExpressions;
using Newtonsoft.Json.Linq;
using Respond.Domain.Common;
using NewtonsoftException = Newtonsoft.Json.JsonException;
using NewtonsoftReader = Newtonsoft.Json.JsonTextReader;

namespace Respond.Domain.Alerts.Formats;

/// <summary>
/// Any JSON body, read through the source's <see cref="GenericMapping"/> of JSONPath expressions
/// (evaluated by Newtonsoft.Json, whose JSONPath is the de-facto dialect: <c>$.a.b</c>,
/// <c>$.items[*].ip</c>, <c>$..host</c>, filters). The mapped fingerprint is both the duplicate and
/// the correlation key, so the sender decides what "the same alert" means.
/// </summary>
public sealed class GenericParser : IAlertParser
{
    public const string Kind = "generic";

    private static readonly string[] ResolvedWords = ["resolved", "ok", "closed", "inactive"];

    private readonly GenericMapping _mapping;

    /// <exception cref="ArgumentException">
    /// Title or Fingerprint is not mapped, or a path is not valid JSONPath: a configuration error,
    /// reported when the source is set up rather than as a 400 on every delivery.
    /// </exception>
    public GenericParser(GenericMapping mapping)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        _mapping = mapping with
        {
            Title = Validate(mapping.Title, nameof(GenericMapping.Title), required: true),
            Fingerprint = Validate(mapping.Fingerprint, nameof(GenericMapping.Fingerprint), required: true),
            Severity = Validate(mapping.Severity, nameof(GenericMapping.Severity)),
            Category = Validate(mapping.Category, nameof(GenericMapping.Category)),
            Description = Validate(mapping.Description, nameof(GenericMapping.Description)),
            Status = Validate(mapping.Status, nameof(GenericMapping.Status)),
            Hosts = Validate(mapping.Hosts, nameof(GenericMapping.Hosts)),
            Accounts = Validate(mapping.Accounts, nameof(GenericMapping.Accounts)),
            Ips = Validate(mapping.Ips, nameof(GenericMapping.Ips)),
            Resources = Validate(mapping.Resources, nameof(GenericMapping.Resources)),
        };
    }

    public IReadOnlyList<NormalizedAlert> Parse(string source, JsonElement body)
    {
        var root = ToJToken(body);

        var title = First(root, _mapping.Title, nameof(GenericMapping.Title))
            ?? throw new AlertFormatException(
                $"Mapping:Title ('{_mapping.Title}') matched nothing in the body; the alert needs a title.");
        var fingerprint = First(root, _mapping.Fingerprint, nameof(GenericMapping.Fingerprint))
            ?? throw new AlertFormatException(
                $"Mapping:Fingerprint ('{_mapping.Fingerprint}') matched nothing in the body; the alert needs a fingerprint.");

        var severityText = First(root, _mapping.Severity, nameof(GenericMapping.Severity));
        var statusText = First(root, _mapping.Status, nameof(GenericMapping.Status));
        var resolved = statusText is not null && ResolvedWords.Contains(statusText, StringComparer.OrdinalIgnoreCase);

        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (severityText is not null)
        {
            labels["severity"] = severityText;
        }

        if (statusText is not null)
        {
            labels["status"] = statusText;
        }

        return
        [
            new NormalizedAlert
            {
                Source = source,
                Kind = Kind,
                ExternalId = fingerprint,
                DedupKey = fingerprint + "|" + (resolved ? "resolved" : "firing"),
                CorrelationKey = fingerprint,
                Title = JsonRead.Title(title),
                Description = First(root, _mapping.Description, nameof(GenericMapping.Description)),
                Severity = MapSeverity(severityText),
                Status = resolved ? AlertStatus.Resolved : AlertStatus.Firing,
                Category = First(root, _mapping.Category, nameof(GenericMapping.Category)),
                Entities = EntitySet.Of(
                    hosts: All(root, _mapping.Hosts, nameof(GenericMapping.Hosts)),
                    accounts: All(root, _mapping.Accounts, nameof(GenericMapping.Accounts)),
                    ips: All(root, _mapping.Ips, nameof(GenericMapping.Ips)).Select(JsonRead.Ip),
                    resources: All(root, _mapping.Resources, nameof(GenericMapping.Resources))),
                Labels = labels,
                Raw = body.Clone(),
            },
        ];
    }

    /// <summary>
    /// The severity names Respond uses (critical … informational), then Alertmanager's label words
    /// (error, warning) and Azure's Sev0..Sev4; anything else is medium.
    /// </summary>
    public static Severity MapSeverity(string? severity)
    {
        if (SeverityNames.TryParse(severity, out var named))
        {
            return named;
        }

        return severity?.Trim().StartsWith("sev", StringComparison.OrdinalIgnoreCase) == true
            ? AzureMonitorParser.MapSeverity(severity)
            : AlertList.MapSeverity(severity);
    }

    private static string? Validate(string? path, string name, bool required = false)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return required
                ? throw new ArgumentException($"The generic mapping needs Mapping:{name}, a JSONPath such as '$.{name.ToLowerInvariant()}'.",
                    "mapping")
                : null;
        }

        if (PathError(path) is { } error)
        {
            throw new ArgumentException($"Mapping:{name} '{path}' is not a valid JSONPath expression: {error}", "mapping");
        }

        return path.Trim();
    }

    /// <summary>Why <paramref name="path"/> is not a JSONPath expression, or null when it is one.</summary>
    public static string? PathError(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            // Newtonsoft parses the expression when SelectTokens is called, so an empty document
            // is enough to surface a syntax error now.
            _ = new JObject().SelectTokens(path.Trim()).ToList();
            return null;
        }
        catch (Exception e) when (e is NewtonsoftException or ArgumentException or FormatException)
        {
            return e.Message;
        }
    }

    private static JToken ToJToken(JsonElement body)
    {
        try
        {
            // Strings stay strings: by default Newtonsoft would turn ISO dates into DateTime values and
            // hand them back reformatted, changing fingerprints that happen to look like times.
            using var reader = new NewtonsoftReader(new StringReader(body.GetRawText()))
            {
                DateParseHandling = Newtonsoft.Json.DateParseHandling.None,
                FloatParseHandling = Newtonsoft.Json.FloatParseHandling.Double,
                MaxDepth = 128,
            };
            return JToken.ReadFrom(reader);
        }
        catch (NewtonsoftException e)
        {
            throw new AlertFormatException($"The body could not be read for the generic mapping: {e.Message}");
        }
    }

    /// <summary>The first non-blank scalar the path matches, or null.</summary>
    private static string? First(JToken root, string? path, string name) => All(root, path, name).FirstOrDefault();

    /// <summary>
    /// Every scalar the path matches as trimmed text; a matched array contributes its scalar items,
    /// so both <c>$.entities[*].ip</c> and <c>$.ips</c> (an array) work.
    /// </summary>
    private static List<string> All(JToken root, string? path, string name)
    {
        var result = new List<string>();
        if (path is null)
        {
            return result;
        }

        try
        {
            foreach (var token in root.SelectTokens(path))
            {
                if (token is JArray array)
                {
                    result.AddRange(array.OfType<JValue>().Select(Scalar).OfType<string>());
                }
                else if (token is JValue value && Scalar(value) is { } text)
                {
                    result.Add(text);
                }
            }
        }
        catch (Exception e) when (e is NewtonsoftException or InvalidCastException or FormatException
                                        or ArgumentException or OverflowException or RegexMatchTimeoutException)
        {
            throw new AlertFormatException($"Mapping:{name} ('{path}') could not be evaluated against the body: {e.Message}");
        }

        return result;
    }

    /// <summary>Strings as they are; numbers and booleans as their JSON text; null as nothing.</summary>
    private static string? Scalar(JValue value) => value.Type switch
    {
        JTokenType.String => JsonRead.Clean((string?)value.Value),
        JTokenType.Null or JTokenType.Undefined => null,
        _ => JsonRead.Clean(value.ToString(Newtonsoft.Json.Formatting.None)),
    };
}
