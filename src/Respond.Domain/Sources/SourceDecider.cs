using Respond.Domain.Alerts;
using Respond.Domain.Alerts.Formats;

namespace Respond.Domain.Sources;

/// <summary>
/// The decisions about console sources: from the source's state (null: never added) and a command to the one event
/// that records it, or a refusal. Secrets are the host's business: no decision needs one.
/// </summary>
public static class SourceDecider
{
    public const int MaxPathLength = 1000;

    public static SourceAdded Decide(ConsoleSource? state, AddSource command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var name = command.Name?.Trim() ?? "";
        if (!SourceNames.IsValid(name))
        {
            throw new SourceFieldException("name", name.Length == 0
                ? "name is required: a lower-case slug such as 'edr-prod'."
                : $"name must be a lower-case slug (a-z, 0-9 and '-', first a letter or digit, at most {SourceNames.MaxLength} characters).");
        }

        if (command.Taken)
        {
            throw new SourceConflictException(
                $"'{name}' is taken by a configured source (Respond:Sources) or by Respond itself; the console cannot change it.");
        }

        if (ConsoleSource.Exists(state))
        {
            throw new SourceConflictException($"A source named '{state!.Name}' already exists. Rotate its secret, or delete it first.");
        }

        var kind = command.Kind?.Trim().ToLowerInvariant() ?? "";
        if (!AlertParsers.Kinds.Contains(kind))
        {
            throw new SourceFieldException("kind", $"kind must be one of {string.Join(", ", AlertParsers.Kinds)}.");
        }

        var auth = command.Auth?.Trim().ToLowerInvariant() switch
        {
            // Left out, a source takes a token: every sender kind can present one (header or ?code=).
            null or "" or "token" => SourceAuth.Token,
            "signature" => SourceAuth.Signature,
            _ => throw new SourceFieldException("auth", "auth must be 'token' or 'signature'."),
        };
        var mapping = CheckMapping(kind, command.Mapping);

        return new SourceAdded(SourceNames.StreamId(name), name, kind, auth, mapping, command.Actor, command.At);
    }

    public static SourceSecretRotated Decide(ConsoleSource? state, RotateSourceSecret command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var current = Existing(state, command.Name, command.Taken, "rotated");
        return new SourceSecretRotated(current.Id, current.Name, current.Auth, command.Actor, command.At);
    }

    public static SourceDeleted Decide(ConsoleSource? state, DeleteSource command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var current = Existing(state, command.Name, command.Taken, "deleted");
        return new SourceDeleted(current.Id, current.Name, command.Actor, command.At);
    }

    private static ConsoleSource Existing(ConsoleSource? state, string name, bool taken, string what)
    {
        if (taken)
        {
            throw new SourceConflictException(
                $"'{name}' is a configured source (Respond:Sources) or Respond's own: it cannot be {what} here. Change the configuration.");
        }

        return ConsoleSource.Exists(state) ? state! : throw new SourceNotFoundException($"There is no console source named '{name}'.");
    }

    /// <summary>A generic source needs a mapping with a title and a fingerprint, every path valid JSONPath; other kinds take none.</summary>
    private static GenericMapping? CheckMapping(string kind, GenericMapping? mapping)
    {
        if (kind != GenericParser.Kind)
        {
            return mapping is null || IsEmpty(mapping)
                ? null
                : throw new SourceFieldException("mapping", $"mapping is only for generic sources; a {kind} source reads its own format.");
        }

        if (mapping is null)
        {
            throw new SourceFieldException("mapping",
                "A generic source needs mapping, with at least title and fingerprint (JSONPath, e.g. '$.title').");
        }

        var checkedMapping = mapping with
        {
            Title = Path("mapping.title", mapping.Title, required: true),
            Fingerprint = Path("mapping.fingerprint", mapping.Fingerprint, required: true),
            Severity = Path("mapping.severity", mapping.Severity),
            Category = Path("mapping.category", mapping.Category),
            Description = Path("mapping.description", mapping.Description),
            Status = Path("mapping.status", mapping.Status),
            Hosts = Path("mapping.entities.hosts", mapping.Hosts),
            Accounts = Path("mapping.entities.accounts", mapping.Accounts),
            Ips = Path("mapping.entities.ips", mapping.Ips),
            Resources = Path("mapping.entities.resources", mapping.Resources),
        };
        _ = AlertParsers.Create(kind, checkedMapping); // the parser agrees: what is stored is what deliveries will use
        return checkedMapping;
    }

    private static string? Path(string field, string? path, bool required = false)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return required ? throw new SourceFieldException(field, $"{field} is required: a JSONPath such as '$.{field[8..]}'.") : null;
        }

        if (path.Length > MaxPathLength)
        {
            throw new SourceFieldException(field, $"{field} may be at most {MaxPathLength} characters.");
        }

        return GenericParser.PathError(path) is { } error
            ? throw new SourceFieldException(field, $"{field} is not a valid JSONPath expression: {error}")
            : path.Trim();
    }

    private static bool IsEmpty(GenericMapping m) => new[]
    {
        m.Title, m.Severity, m.Fingerprint, m.Category, m.Description, m.Status, m.Hosts, m.Accounts, m.Ips, m.Resources,
    }.All(string.IsNullOrWhiteSpace);
}
