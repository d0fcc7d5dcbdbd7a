using System.Diagnostics;
using System.Globalization;

namespace Respond.Server.Tests.Infrastructure;

/// <summary>
/// Writes down every process and cluster folder the tests start, in the folder named by <c>RESPOND_TEST_LEDGER</c>
/// (CI sets it), so that CI's safety net ends exactly those and never a developer's own server or another
/// checkout's tests. Without the variable it records nothing: the tests clean up after themselves.
/// </summary>
public static class TestRunLedger
{
    public const string EnvironmentVariable = "RESPOND_TEST_LEDGER";

    /// <summary>A started process: its pid and start time (so a reused pid is never mistaken for it).</summary>
    public static void Process(Process process)
    {
        if (Folder() is { } folder && StartTime(process.Id) is { } started)
        {
            File.WriteAllText(Path.Combine(folder, $"process-{process.Id.ToString(CultureInfo.InvariantCulture)}"), $"{process.Id} {started}\n");
        }
    }

    /// <summary>A folder holding a test cluster: CI stops its postmaster and deletes it if the tests did not.</summary>
    public static void ClusterFolder(string path)
    {
        if (Folder() is { } folder)
        {
            File.WriteAllText(Path.Combine(folder, $"cluster-{Path.GetFileName(path)}"), path + "\n");
        }
    }

    private static string? Folder() =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } folder && Directory.Exists(folder) ? folder : null;

    /// <summary>Field 22 of <c>/proc/&lt;pid&gt;/stat</c>: clock ticks since boot, unique for a pid's lifetime.</summary>
    private static string? StartTime(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[19];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}
