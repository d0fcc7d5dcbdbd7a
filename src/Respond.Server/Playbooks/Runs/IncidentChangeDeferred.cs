namespace Respond.Server.Playbooks.Runs;

/// <summary>A run started on an alert's path reached an incident step: it is started from the queue instead.</summary>
internal sealed class IncidentChangeDeferred : Exception;
