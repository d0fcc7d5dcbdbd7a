using Respond.Domain.Playbooks.Definitions;
using Respond.Server.Playbooks.Library;

namespace Respond.Server.Runbooks;

/// <summary>
/// A playbook whose trigger is <c>schedule</c>. <see cref="Published"/> is null for a runbook file still waiting for set-up;
/// <see cref="NotScheduledReason"/> says, in words, why Hangfire does not run it (null when it does).
/// </summary>
public sealed record Runbook(string Id, PlaybookDefinition Definition, PublishedPlaybook? Published, string? NotScheduledReason)
{
    public string Cron => Definition.Trigger.Cron ?? "";

    /// <summary>The trigger's IANA time zone; UTC when the runbook names none.</summary>
    public string TimeZone => Definition.Trigger.TimeZone ?? "UTC";

    public bool Scheduled => Published is not null && NotScheduledReason is null;
}
