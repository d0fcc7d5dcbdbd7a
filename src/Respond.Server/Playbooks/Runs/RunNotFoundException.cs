namespace Respond.Server.Playbooks.Runs;

public sealed class RunNotFoundException(Guid runId) : Exception($"No run {runId}.");
