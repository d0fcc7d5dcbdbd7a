using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Respond.Server.Connectors.Kinds.PostgresBackup;

/// <summary>A table named in the input: <c>schema.table</c>, or <c>table</c> in <c>public</c>.</summary>
internal sealed record TableName(string Schema, string Table)
{
    public static TableName Parse(string text) => text.Split('.') is [var schema, var table] ? new(schema, table) : new("public", text);

    public override string ToString() => $"{Schema}.{Table}";
}

/// <summary>
/// The checks a restored backup must pass (<c>tables</c>, <c>minRows</c>, <c>queries</c>), read from the step's input.
/// The same rules refuse a bad name or query when the playbook is saved and again when the step runs.
/// </summary>
internal sealed partial record CheckPlan(
    IReadOnlyList<TableName> Tables,
    IReadOnlyList<(TableName Table, long Minimum)> MinRows,
    IReadOnlyList<string> Queries)
{
    public static CheckPlan Read(ConnectorRequest request)
    {
        if (Problems(request.Input) is [var first, ..])
        {
            throw InputValues.Refused(request, first);
        }

        var tables = request.Input["tables"] is JsonArray names ? names.Select(n => TableName.Parse(n!.GetValue<string>())).ToList() : [];
        var minRows = request.Input["minRows"] is JsonObject floors
            ? floors.Select(f => (TableName.Parse(f.Key), Minimum: MinimumOf(request, f.Key, f.Value))).ToList()
            : [];
        var queries = request.Input["queries"] is JsonArray texts ? texts.Select(q => WithoutTrailingSemicolon(q!.GetValue<string>())).ToList() : [];
        return new CheckPlan(tables, minRows, queries);
    }

    /// <summary>What is wrong with the input's names and queries; templates are skipped until they are rendered.</summary>
    public static IReadOnlyList<string> Problems(JsonObject input)
    {
        var problems = new List<string>();
        if (input["tables"] is JsonArray tables)
        {
            for (var i = 0; i < tables.Count; i++)
            {
                if (StringOf(tables[i]) is { } name && !InputValidator.IsTemplate(name) && !IsTableName(name))
                {
                    problems.Add($"input.tables[{i}] ('{Shorten(name)}') must be a table name: {NameRule}");
                }
            }
        }

        if (input["minRows"] is JsonObject minRows)
        {
            problems.AddRange(minRows.Where(m => !InputValidator.IsTemplate(m.Key) && !IsTableName(m.Key))
                .Select(m => $"input.minRows key '{Shorten(m.Key)}' must be a table name: {NameRule}"));
        }

        if (input["queries"] is JsonArray queries)
        {
            for (var i = 0; i < queries.Count; i++)
            {
                if (StringOf(queries[i]) is { } query && !InputValidator.IsTemplate(query) && QueryProblem(query) is { } problem)
                {
                    problems.Add($"input.queries[{i}] {problem}");
                }
            }
        }

        return problems;
    }

    public static bool IsTableName(string text) => TableNamePattern().IsMatch(text);

    private const string NameRule = "a letter or _, then letters, digits, _ or $, optionally after 'schema.'.";

    private static string? QueryProblem(string query)
    {
        var statement = WithoutTrailingSemicolon(query);
        if (statement.Length == 0)
        {
            return "is empty.";
        }

        if (statement.Contains(';', StringComparison.Ordinal))
        {
            return "must be one statement: ';' is allowed only at its end.";
        }

        return ReadingStatement().IsMatch(WithoutLeadingComments(statement))
            ? null
            : "must be a SELECT statement (or WITH, VALUES or TABLE).";
    }

    private static string WithoutTrailingSemicolon(string query)
    {
        var text = query.Trim();
        return text.EndsWith(';') ? text[..^1].TrimEnd() : text;
    }

    // "-- why\n/* note */ (select …" starts with select.
    private static string WithoutLeadingComments(string text)
    {
        while (true)
        {
            text = text.TrimStart().TrimStart('(');
            if (text.StartsWith("--", StringComparison.Ordinal))
            {
                var end = text.IndexOf('\n', StringComparison.Ordinal);
                text = end < 0 ? "" : text[(end + 1)..];
            }
            else if (text.StartsWith("/*", StringComparison.Ordinal))
            {
                var end = text.IndexOf("*/", 2, StringComparison.Ordinal);
                text = end < 0 ? "" : text[(end + 2)..];
            }
            else
            {
                return text;
            }
        }
    }

    private static long MinimumOf(ConnectorRequest request, string table, JsonNode? value) =>
        value is JsonValue number && number.GetValueKind() == JsonValueKind.Number && InputValidator.NumberOf(number) is var minimum
            && minimum % 1 == 0 && minimum is >= 0 and <= long.MaxValue
            ? (long)minimum
            : throw InputValues.Refused(request, $"input.minRows.{table} must be a whole number of rows, 0 or more.");

    private static string? StringOf(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "…";

    [GeneratedRegex(@"^(?:[A-Za-z_][A-Za-z0-9_$]*\.)?[A-Za-z_][A-Za-z0-9_$]*$")]
    private static partial Regex TableNamePattern();

    [GeneratedRegex(@"^(?:select|with|values|table)\b", RegexOptions.IgnoreCase)]
    private static partial Regex ReadingStatement();
}
