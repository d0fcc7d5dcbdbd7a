namespace Respond.Domain.Playbooks.Definitions;

/// <summary>
/// A step's <c>next</c>: a plain step id (taken for every outcome but <c>error</c>), or a map from
/// outcome to step id.
/// </summary>
public sealed record StepNext
{
    public string? Default { get; init; }
    public IReadOnlyDictionary<string, string> Outcomes { get; init; } = new Dictionary<string, string>();

    public static StepNext To(string stepId) => new() { Default = stepId };

    public static StepNext Map(IReadOnlyDictionary<string, string> outcomes) => new() { Outcomes = outcomes };

    /// <summary>
    /// The step an outcome leads to, or null when the path ends there. A plain id never catches
    /// <c>error</c> (a failure is not silently a success), nor a rejection or expiry (SPEC §8: a
    /// rejected approval must not run the risky step).
    /// </summary>
    public string? For(string outcome)
    {
        if (Outcomes.TryGetValue(outcome, out var target))
        {
            return target;
        }

        return outcome is Outcome.Error or Outcome.Rejected or Outcome.Expired or Outcome.False ? null : Default;
    }

    public IEnumerable<string> Targets() => Default is null ? Outcomes.Values : Outcomes.Values.Append(Default);
}
