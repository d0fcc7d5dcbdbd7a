using System.Globalization;

namespace Respond.Bench;

/// <summary>CPU seconds spent so far, from /proc (Linux): where the time of a phase went.</summary>
internal sealed record CpuSample(double Server, double PostgreSql, double Bench, double MachineBusy, double MachineTotal)
{
    // USER_HZ: the unit of /proc/*/stat and /proc/stat; 100 on every mainstream Linux.
    private const double TicksPerSecond = 100.0;

    /// <summary>Null when /proc is not there (not Linux).</summary>
    public static CpuSample? Take(int serverPid, int? postmasterPid)
    {
        if (!File.Exists("/proc/stat"))
        {
            return null;
        }

        return new CpuSample(
            ProcessSeconds(serverPid, includeReapedChildren: false),
            postmasterPid is { } postmaster ? ClusterSeconds(postmaster) : double.NaN,
            ProcessSeconds(Environment.ProcessId, includeReapedChildren: false),
            MachineSeconds(busyOnly: true),
            MachineSeconds(busyOnly: false));
    }

    /// <summary>CPU of everything else on the machine (PostgreSQL counts as other when it is not measured).</summary>
    public double Others => MachineBusy - Server - Bench - (double.IsNaN(PostgreSql) ? 0 : PostgreSql);

    /// <summary>
    /// Cores busy on average over <paramref name="seconds"/> of wall time: whose CPU it was. If the machine is near
    /// 100 % the figure is CPU-bound; "others" is whatever else ran on the machine meanwhile (a busy neighbour
    /// makes the figures pessimistic).
    /// </summary>
    public string CoresBusy(double seconds)
    {
        var culture = CultureInfo.InvariantCulture;
        var postgres = double.IsNaN(PostgreSql)
            ? "n/a (measured for the private cluster only)"
            : string.Create(culture, $"{PostgreSql / seconds:0.00}, others {Others / seconds:0.00}");
        return string.Create(culture,
            $"CPU, cores busy: server {Server / seconds:0.00}, bench {Bench / seconds:0.00}, PostgreSQL {postgres}; whole machine " +
                $"{MachineBusy / seconds:0.00} of {Environment.ProcessorCount}");
    }

    public static CpuSample operator -(CpuSample after, CpuSample before) => new(
        after.Server - before.Server,
        after.PostgreSql - before.PostgreSql,
        after.Bench - before.Bench,
        after.MachineBusy - before.MachineBusy,
        after.MachineTotal - before.MachineTotal);

    // The postmaster, its live children (backends, WAL writer, checkpointer…) and, through the postmaster's
    // cutime/cstime, the children it has already reaped.
    private static double ClusterSeconds(int postmasterPid)
    {
        var total = ProcessSeconds(postmasterPid, includeReapedChildren: true);
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(folder), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && Stat(pid) is { } fields && fields[1] == postmasterPid.ToString(CultureInfo.InvariantCulture))
            {
                total += Seconds(fields, includeReapedChildren: false);
            }
        }

        return total;
    }

    private static double ProcessSeconds(int pid, bool includeReapedChildren) =>
        Stat(pid) is { } fields ? Seconds(fields, includeReapedChildren) : 0;

    // Fields after the command name: [0] state, [1] ppid, … [11] utime, [12] stime, [13] cutime, [14] cstime.
    private static double Seconds(string[] fields, bool includeReapedChildren)
    {
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        if (includeReapedChildren)
        {
            ticks += long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture);
        }

        return ticks / TicksPerSecond;
    }

    private static string[]? Stat(int pid)
    {
        try
        {
            // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after the last ')'.
            var line = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            return line[(line.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // the process has exited
        }
    }

    // First line of /proc/stat: "cpu user nice system idle iowait irq softirq steal …" in ticks.
    private static double MachineSeconds(bool busyOnly)
    {
        var values = File.ReadLines("/proc/stat").First()
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
            .Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        var ticks = busyOnly ? values.Sum() - values[3] - values[4] : values.Sum();
        return ticks / TicksPerSecond;
    }
}
