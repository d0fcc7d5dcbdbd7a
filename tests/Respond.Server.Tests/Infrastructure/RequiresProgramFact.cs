namespace Respond.Server.Tests.Infrastructure;

/// <summary>A fact that runs only where a program is installed (.ci/run installs it), and says so when skipped.</summary>
public sealed class RequiresProgramFactAttribute : FactAttribute
{
    public RequiresProgramFactAttribute(string program)
    {
        Program = program;
        if (Find(program) is null)
        {
            Skip = $"{program} is not installed (apt-get install {program}).";
        }
    }

    public string Program { get; }

    public static string? Find(string program) => (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(':', StringSplitOptions.RemoveEmptyEntries)
        .Select(dir => Path.Combine(dir, program))
        .FirstOrDefault(File.Exists);
}
