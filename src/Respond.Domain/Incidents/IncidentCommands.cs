using Respond.Domain.Common;

namespace Respond.Domain.Incidents;

// Commands are imperatives; each carries who asks and when, so the decision stays pure.
public sealed record OpenIncident(Guid IncidentId, string Title, Severity Severity, string? Description, string Actor, DateTimeOffset At);

public sealed record AcknowledgeIncident(string Actor, DateTimeOffset At);

public sealed record AssignIncident(string Assignee, string Actor, DateTimeOffset At);

public sealed record ChangeSeverity(Severity Severity, string Reason, string Actor, DateTimeOffset At);

public sealed record AddComment(Guid CommentId, string Text, string Actor, DateTimeOffset At);

public sealed record AddObservable(string Type, string Value, string Actor, DateTimeOffset At);

public sealed record ContainIncident(string Summary, bool Automated, string Actor, DateTimeOffset At);

public sealed record RecoverIncident(string Summary, string Actor, DateTimeOffset At);

public sealed record CloseIncident(Classification Classification, string Reason, string Actor, DateTimeOffset At);

public sealed record ReopenIncident(string Reason, string Actor, DateTimeOffset At);
