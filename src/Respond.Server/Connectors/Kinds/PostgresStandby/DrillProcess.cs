using System.ComponentModel;
using System.Diagnostics;
using Respond.Server.Storage.Embedded;

namespace Respond.Server.Connectors.Kinds.PostgresStandby;

/// <summary>
/// A PostgreSQL program the drill starts: as the postgres user when Respond runs as root (PostgreSQL refuses root), with
/// a clean libpq environment (secrets only there, never in arguments), its last lines of output kept for messages, and
/// its whole process tree killed when it has to go.
/// </summary>
internal sealed class DrillProcess : IDisposable
{
    private const int KeptLines = 15;

    private readonly Process process;
    private readonly Queue<string> lastLines = new();

    private DrillProcess(Process process) => this.process = process;

    public int Id => process.Id;

    public bool HasExited => process.HasExited;

    public int ExitCode => process.ExitCode;

    /// <summary>The last lines the program wrote (both streams), on one line.</summary>
    public string Output
    {
        get
        {
            lock (lastLines)
            {
                return lastLines.Count == 0 ? "(no output)" : string.Join(" | ", lastLines);
            }
        }
    }

    public static DrillProcess Start(string executable, IReadOnlyList<string> arguments, string? runUser,
        IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo(runUser is null ? executable : EmbeddedPostgres.RunUserTool())
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        if (runUser is not null)
        {
            foreach (var part in new[] { "-u", runUser, "--", executable })
            {
                info.ArgumentList.Add(part);
            }
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // Only what the drill sets reaches libpq: an inherited PGHOST, PGDATA or PGOPTIONS would change its target.
        foreach (var inherited in info.Environment.Keys.Where(k => k.StartsWith("PG", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(inherited);
        }

        info.Environment.Remove("LC_ALL");
        info.Environment["LC_MESSAGES"] = "C";
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {Path.GetFileName(executable)}.");
        var started = new DrillProcess(process);
        process.StandardInput.Close();
        process.OutputDataReceived += (_, line) => started.Keep(line.Data);
        process.ErrorDataReceived += (_, line) => started.Keep(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return started;
    }

    /// <summary>Waits for the program to end; cancelled, it kills the program's tree first.</summary>
    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken)
    {
        try
        {
            await process.WaitForExitAsync(cancellationToken);
            return process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            KillTree();
            throw;
        }
    }

    public bool WaitForExit(TimeSpan timeout) => process.WaitForExit(timeout);

    /// <summary>
    /// The last lines of a program that has exited, once its streams are read to their end: its last line (the reason it
    /// stopped) may arrive just after the exit. A moment at most, since a child may hold the streams open.
    /// </summary>
    public async Task<string> FinalOutputAsync()
    {
        using var moment = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        try
        {
            await process.WaitForExitAsync(moment.Token);
        }
        catch (OperationCanceledException)
        {
            // Take what arrived.
        }

        return Output;
    }

    /// <summary>SIGKILL to the program and every process under it; nothing when it has already ended.</summary>
    public void KillTree()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception or AggregateException)
        {
            // It ended meanwhile.
        }
    }

    /// <summary>Kills what still runs (a program the drill gave up on must not outlive it), then lets go of the handle.</summary>
    public void Dispose()
    {
        KillTree();
        process.Dispose();
    }

    private void Keep(string? line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return;
        }

        lock (lastLines)
        {
            lastLines.Enqueue(line.Trim());
            while (lastLines.Count > KeptLines)
            {
                lastLines.Dequeue();
            }
        }
    }
}
