using System.Net;
using System.Text.RegularExpressions;

namespace Respond.Domain.Incidents;

/// <summary>
/// The incident's decisions: state plus command gives events, or an exception that says why not.
/// No I/O, no clock: everything needed arrives in the command.
/// </summary>
public static partial class IncidentDecider
{
    public const int MaxTitle = 500;
    public const int MaxText = 10_000;
    public const int MaxReason = 2_000;

    public static IncidentOpened Decide(OpenIncident c)
    {
        var title = Required(c.Title, "title", MaxTitle);
        return new IncidentOpened(c.IncidentId, title, c.Severity, Optional(c.Description, "description", MaxText), null, null, null,
            Alerts.EntitySet.Empty, c.Actor, c.At);
    }

    public static object[] Decide(Incident s, AcknowledgeIncident c)
    {
        NotClosed(s, "acknowledge");
        if (s.Status != IncidentStatus.New)
        {
            throw new IncidentConflictException($"The incident is already {Word(s.Status)}.");
        }

        return [new IncidentAcknowledged(s.Id, c.Actor, c.At)];
    }

    public static object[] Decide(Incident s, AssignIncident c)
    {
        var assignee = Required(c.Assignee, "assignee", 200);
        NotClosed(s, "assign");
        return s.Assignee == assignee ? [] : [new IncidentAssigned(s.Id, assignee, c.Actor, c.At)];
    }

    public static object[] Decide(Incident s, ChangeSeverity c)
    {
        var reason = Required(c.Reason, "reason", MaxReason);
        NotClosed(s, "change the severity of");
        return s.Severity == c.Severity ? [] : [new SeverityChanged(s.Id, s.Severity, c.Severity, reason, c.Actor, c.At)];
    }

    // Comments stay open after closing: post-incident notes belong on the record.
    public static object[] Decide(Incident s, AddComment c) =>
        [new CommentAdded(s.Id, c.CommentId, Required(c.Text, "text", MaxText), c.Actor, c.At)];

    public static object[] Decide(Incident s, AddObservable c)
    {
        var type = Required(c.Type, "type", 32).ToLowerInvariant();
        if (!ObservableType().IsMatch(type))
        {
            throw new InvalidCommandException("type must be a short lower-case word such as ip, host, account, url or hash.");
        }

        var value = Required(c.Value, "value", MaxReason);
        if (type == "ip" && !IPAddress.TryParse(value, out _))
        {
            throw new InvalidCommandException($"'{value}' is not an IP address.");
        }

        NotClosed(s, "add an observable to");
        return s.Observables.Any(o => o.Type == type && string.Equals(o.Value, value, StringComparison.OrdinalIgnoreCase))
            ? []
            : [new ObservableAdded(s.Id, type, value, c.Actor, c.At)];
    }

    public static object[] Decide(Incident s, ContainIncident c)
    {
        var summary = Optional(c.Summary, "summary", MaxText) ?? "";
        MustBeBefore(s, IncidentStatus.Contained, "contained");
        return [new IncidentContained(s.Id, summary, c.Automated, c.Actor, c.At)];
    }

    public static object[] Decide(Incident s, RecoverIncident c)
    {
        var summary = Optional(c.Summary, "summary", MaxText) ?? "";
        MustBeBefore(s, IncidentStatus.Recovered, "recovered");
        return [new IncidentRecovered(s.Id, summary, c.Actor, c.At)];
    }

    public static object[] Decide(Incident s, CloseIncident c)
    {
        var reason = Optional(c.Reason, "reason", MaxReason) ?? "";
        if (s.IsClosed)
        {
            throw new IncidentConflictException("The incident is already closed.");
        }

        return [new IncidentClosed(s.Id, c.Classification, reason, c.Actor, c.At)];
    }

    public static object[] Decide(Incident s, ReopenIncident c)
    {
        var reason = Required(c.Reason, "reason", MaxReason);
        if (!s.IsClosed)
        {
            throw new IncidentConflictException($"Only a closed incident can be reopened; this one is {Word(s.Status)}.");
        }

        return [new IncidentReopened(s.Id, reason, c.Actor, c.At)];
    }

    public static string Word(IncidentStatus status) => status.ToString().ToLowerInvariant();

    private static void NotClosed(Incident s, string what)
    {
        if (s.IsClosed)
        {
            throw new IncidentConflictException($"Cannot {what} a closed incident; reopen it first.");
        }
    }

    private static void MustBeBefore(Incident s, IncidentStatus target, string word)
    {
        NotClosed(s, $"mark as {word}");
        if (s.Status >= target)
        {
            throw new IncidentConflictException($"The incident is already {Word(s.Status)}.");
        }
    }

    private static string Required(string? value, string field, int max) =>
        Optional(value, field, max) ?? throw new InvalidCommandException($"{field} is required.");

    private static string? Optional(string? value, string field, int max)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return null;
        }

        return trimmed.Length > max ? throw new InvalidCommandException($"{field} is longer than {max} characters.") : trimmed;
    }

    [GeneratedRegex("^[a-z][a-z0-9-]{0,31}$")]
    private static partial Regex ObservableType();
}
