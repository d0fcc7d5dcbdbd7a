using System.Text.Json;

namespace Respond.Domain.Alerts;

/// <summary>Turns one webhook body of a source kind into normalised alerts.</summary>
public interface IAlertParser
{
    /// <exception cref="AlertFormatException">The body is not this kind's shape.</exception>
    IReadOnlyList<NormalizedAlert> Parse(string source, JsonElement body);
}
