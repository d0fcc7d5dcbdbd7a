namespace Respond.Domain.Common;

/// <summary>Ordered from least to most severe, so comparisons mean "more severe than".</summary>
public enum Severity
{
    Informational = 0,
    Low = 1,
    Medium = 2,
    High = 3,
    Critical = 4,
}

public static class SeverityNames
{
    public static bool TryParse(string? text, out Severity severity)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "critical": severity = Severity.Critical; return true;
            case "high": severity = Severity.High; return true;
            case "medium": severity = Severity.Medium; return true;
            case "low": severity = Severity.Low; return true;
            case "informational" or "info": severity = Severity.Informational; return true;
            default: severity = Severity.Medium; return false;
        }
    }
}
