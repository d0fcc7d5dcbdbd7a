namespace Respond.Domain.Alerts;

/// <summary>The body is JSON, but not the shape the source's kind sends. Answered with 400.</summary>
public sealed class AlertFormatException(string message) : Exception(message);
