using System.ComponentModel;
using System.Diagnostics;
using Npgsql;

namespace Respond.Server.Connectors.Kinds.PostgresBackup;

/// <summary>How pg_restore ended: its exit code and the first line of its standard error that says why.</summary>
internal sealed record RestoreOutcome(int ExitCode, string? Reason);

/// <summary>
/// Runs pg_restore into a scratch database as a child process. The password travels in the child's PGPASSWORD,
/// never on its command line (which every local user can read in /proc); the child is killed on time-out and on
/// cancellation.
/// </summary>
internal static class PgRestore
{
    public static async Task<RestoreOutcome> RunAsync(string executable, NpgsqlConnectionStringBuilder server, string database,
        string dumpFile, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var process = Start(executable, server, database, dumpFile);
        process.StandardInput.Close();
        var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            await KillAsync(process);
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException($"pg_restore did not finish within {timeout.TotalSeconds:0.###} s.");
        }

        // A grandchild holding the pipes open must not hold us: give the readers a moment, then move on.
        try
        {
            await Task.WhenAll(error, output).WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
        }
        catch (TimeoutException)
        {
            // Whatever was read by now is all we report.
        }

        return new RestoreOutcome(process.ExitCode, error.IsCompletedSuccessfully ? ReasonIn(error.Result) : null);
    }

    /// <summary>
    /// The line that says what went wrong: the first "error:" line, else the first line; without the program's prefix.
    /// "pg_restore: error: could not read from input file: end of file" → "could not read from input file: end of file".
    /// </summary>
    internal static string? ReasonIn(string standardError)
    {
        var lines = standardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var line = lines.FirstOrDefault(l => l.Contains("error:", StringComparison.Ordinal)) ?? lines.FirstOrDefault();
        if (line is null)
        {
            return null;
        }

        foreach (var prefix in new[] { "pg_restore:", "error:" })
        {
            line = line.StartsWith(prefix, StringComparison.Ordinal) ? line[prefix.Length..].TrimStart() : line;
        }

        return line.Length <= 300 ? line : line[..300] + "…";
    }

    private static Process Start(string executable, NpgsqlConnectionStringBuilder server, string database, string dumpFile)
    {
        var info = new ProcessStartInfo(executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        foreach (var argument in Arguments(server, database, dumpFile))
        {
            info.ArgumentList.Add(argument);
        }

        // Only the configured server counts: no PGHOST, PGSERVICE or PGPASSFILE of our own environment. Messages in English.
        foreach (var inherited in info.Environment.Keys.Where(k => k.StartsWith("PG", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(inherited);
        }

        info.Environment.Remove("LC_ALL");
        info.Environment["LC_MESSAGES"] = "C";
        foreach (var (name, value) in LibpqEnvironment.For(server, "respond-verify-restore", Math.Max(2, server.Timeout)))
        {
            info.Environment[name] = value;
        }

        try
        {
            return Process.Start(info) ?? throw new InvalidOperationException("no process");
        }
        catch (Exception e) when (e is Win32Exception or InvalidOperationException)
        {
            throw new ConnectorException($"pg_restore ({executable}) could not be started: {e.Message}", retryable: false);
        }
    }

    private static IEnumerable<string> Arguments(NpgsqlConnectionStringBuilder server, string database, string dumpFile)
    {
        yield return "--no-owner";
        yield return "--no-privileges";
        yield return "--exit-on-error";
        yield return "--no-password";
        if (!string.IsNullOrEmpty(server.Host))
        {
            yield return "--host=" + server.Host;
        }

        yield return "--port=" + server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (!string.IsNullOrEmpty(server.Username))
        {
            yield return "--username=" + server.Username;
        }

        yield return "--dbname=" + database;
        yield return dumpFile;
    }

    private static async Task KillAsync(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or Win32Exception)
        {
            // It exited meanwhile, or will shortly: the scratch database is dropped WITH (FORCE) either way.
        }
    }
}
