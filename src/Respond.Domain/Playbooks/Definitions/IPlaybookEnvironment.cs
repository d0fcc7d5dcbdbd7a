using System.Text.Json.Nodes;

namespace Respond.Domain.Playbooks.Definitions;

/// <summary>What validation needs to know of the world: the configured connectors, other playbooks, cron syntax.</summary>
public interface IPlaybookEnvironment
{
    /// <summary>The connector's operation names, or null when no connector has that name.</summary>
    IReadOnlyList<string>? OperationsOf(string connector);

    /// <summary>One message per way the input does not fit the operation's schema.</summary>
    IReadOnlyList<string> ValidateInput(string connector, string operation, JsonObject input);

    bool PlaybookExists(string playbookId);

    /// <summary>Null when the cron expression (with an optional time zone id) is valid.</summary>
    string? CheckSchedule(string cron, string? timeZone);
}

public sealed record ValidationError(string? StepId, string Message);
