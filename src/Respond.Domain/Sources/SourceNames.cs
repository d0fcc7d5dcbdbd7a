using System.Text.RegularExpressions;
using Respond.Domain.Common;

namespace Respond.Domain.Sources;

/// <summary>
/// A console source's name is its webhook path segment: a lower-case slug (letters, digits, hyphens, first a letter or
/// digit, at most 63 characters), so it needs no escaping anywhere. Names compare case-insensitively, as configured ones do.
/// </summary>
public static partial class SourceNames
{
    public const int MaxLength = 63;

    public static readonly Guid StreamNamespace = new("c1f4a7e2-3b5d-4e8f-9a06-7d2b8c4e1f35");

    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name);

    /// <summary>The key a name is unique by.</summary>
    public static string Key(string name) => name.Trim().ToLowerInvariant();

    /// <summary>The source's stream: derived from the name, so two adds of one name meet on one stream.</summary>
    public static Guid StreamId(string name) => DeterministicGuid.Create(StreamNamespace, Key(name));

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
