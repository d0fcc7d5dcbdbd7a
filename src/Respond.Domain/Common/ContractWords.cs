using System.Text.Json;

namespace Respond.Domain.Common;

/// <summary>
/// The contract's word for each value of an enum (<c>TruePositive</c> → <c>true-positive</c>), the same rule the API's
/// JSON writes them by, so a list of words in a rule or an error message is derived, never typed out.
/// </summary>
public static class ContractWords
{
    public static string Of<T>(T value) where T : struct, Enum => JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());

    /// <summary>Every word of <typeparamref name="T"/>, in the enum's order.</summary>
    public static IReadOnlyList<string> All<T>() where T : struct, Enum => Enum.GetValues<T>().Select(Of).ToArray();

    /// <summary>The words for a message: <c>a, b, c or d</c>.</summary>
    public static string OneOf<T>() where T : struct, Enum
    {
        var words = All<T>();
        return words.Count == 1 ? words[0] : $"{string.Join(", ", words.Take(words.Count - 1))} or {words[^1]}";
    }

    /// <summary>The value whose word is exactly <paramref name="text"/> (case and spaces count).</summary>
    public static bool TryParse<T>(string? text, out T value) where T : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<T>())
        {
            if (Of(candidate) == text)
            {
                value = candidate;
                return true;
            }
        }

        value = default;
        return false;
    }
}
