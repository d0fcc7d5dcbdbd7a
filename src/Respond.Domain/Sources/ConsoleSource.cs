using Respond.Domain.Alerts.Formats;

namespace Respond.Domain.Sources;

/// <summary>
/// A console-added source as its events built it. One stream per name (<see cref="SourceNames.StreamId"/>): a name
/// deleted and added again continues its stream, so its whole history reads in one place.
/// </summary>
public sealed record ConsoleSource
{
    public Guid Id { get; init; }
    public string Name { get; init; } = "";
    public string Kind { get; init; } = "";
    public SourceAuth Auth { get; init; }
    public GenericMapping? Mapping { get; init; }
    public bool Deleted { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Whether the source exists now (it was added, and not deleted since).</summary>
    public static bool Exists(ConsoleSource? state) => state is { Deleted: false };

    /// <summary>Applies one event. Unknown events leave the state as it is.</summary>
    public static ConsoleSource? Evolve(ConsoleSource? state, object @event) => (state, @event) switch
    {
        (_, SourceAdded e) => new ConsoleSource
        {
            Id = e.SourceId,
            Name = e.Name,
            Kind = e.Kind,
            Auth = e.Auth,
            Mapping = e.Mapping,
            UpdatedAt = e.At,
        },
        (null, _) => null,
        (var s, SourceSecretRotated e) => s with { UpdatedAt = e.At },
        (var s, SourceDeleted e) => s with { Deleted = true, UpdatedAt = e.At },
        (var s, _) => s,
    };
}
