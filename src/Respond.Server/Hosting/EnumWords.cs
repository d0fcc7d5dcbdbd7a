using System.Text.Json;

namespace Respond.Server.Hosting;

/// <summary>Reads the contract's enum words (<c>true-positive</c>, <c>high</c>) from query strings.</summary>
public static class EnumWords
{
    public static string Word<T>(T value) where T : struct, Enum => JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());

    public static bool TryParse<T>(string? text, out T value) where T : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<T>())
        {
            if (string.Equals(Word(candidate), text?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                value = candidate;
                return true;
            }
        }

        value = default;
        return false;
    }

    public static bool TryParseList<T>(string? text, out List<T> values) where T : struct, Enum
    {
        values = [];
        foreach (var part in (text ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!TryParse<T>(part, out var value))
            {
                return false;
            }

            values.Add(value);
        }

        return true;
    }
}
