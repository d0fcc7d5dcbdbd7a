using System.Diagnostics;

namespace Respond.Server.Storage.Embedded;

internal sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError)
{
    public string Output =>
        string.Join(" ", $"{StandardError}\n{StandardOutput}".Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    public void ThrowIfFailed(string what)
    {
        if (ExitCode != 0)
        {
            throw new EmbeddedPostgresException($"{what} failed with exit code {ExitCode}: {Output}");
        }
    }
}

/// <summary>Runs a child process with both output streams drained concurrently and a hard timeout.</summary>
internal static class ChildProcess
{
    public static ProcessResult Run(string executable, IReadOnlyList<string> arguments, TimeSpan timeout, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        if (workingDirectory is not null)
        {
            info.WorkingDirectory = workingDirectory;
        }

        // The cluster's own settings come from its folder, not from the caller's libpq environment; messages in English.
        info.Environment.Remove("PGDATA");
        info.Environment.Remove("PGPORT");
        info.Environment.Remove("PGOPTIONS");
        info.Environment.Remove("LC_ALL");
        info.Environment["LC_MESSAGES"] = "C";

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {executable}.");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();

        if (!process.WaitForExit(timeout))
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It exited meanwhile.
            }

            throw new TimeoutException($"{Path.GetFileName(executable)} did not finish within {timeout.TotalSeconds:0} s.");
        }

        // A grandchild that kept the pipes open must not block us: give the readers a moment, then move on.
        Task.WaitAll([output, error], TimeSpan.FromSeconds(5));
        return new ProcessResult(
            process.ExitCode,
            output.IsCompletedSuccessfully ? output.Result : "",
            error.IsCompletedSuccessfully ? error.Result : "");
    }
}
