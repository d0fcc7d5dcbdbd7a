using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Respond.Bench;
using Respond.Server.Storage;

// Respond benchmarks: a fresh database, the Release server as a child process, and one scenario against it:
// ingestion (the default; IngestionScenario), the playbook engine (--scenario playbooks; PlaybookScenario) or the
// console's first view of a full queue (--scenario queue; QueueScenario).
// It prints figures; it asserts nothing about them.

if (BenchOptions.Parse(args) is not { } options)
{
    return 2;
}

using var cancel = new CancellationTokenSource();

// Ctrl+C, or a kill/timeout from a script: cancel the run so that the finally blocks stop the server and the
// cluster, instead of the process dying with them still running.
void Interrupt(PosixSignalContext context)
{
    context.Cancel = true;
    if (!cancel.IsCancellationRequested)
    {
        Console.Error.WriteLine($"{context.Signal}: stopping the server and cleaning up…");
        cancel.Cancel();
    }
}

using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Interrupt);
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Interrupt);

using var loggers = LoggerFactory.Create(logging => logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
var logger = loggers.CreateLogger("Respond.Bench");

#if DEBUG
Console.Error.WriteLine("warning: this is a Debug build of the bench and of the server; use `dotnet run -c Release` for figures worth quoting.");
#endif

var repositoryRoot = RepositoryRoot.Find(AppContext.BaseDirectory);
if (repositoryRoot is null)
{
    Console.Error.WriteLine($"Cannot find Respond.sln above {AppContext.BaseDirectory}; run the bench from its checkout.");
    return 2;
}

// One handler for everything: enough connections that senders never queue inside the client.
using var http = new HttpClient(new SocketsHttpHandler
{
    MaxConnectionsPerServer = options.MaxConnections,
    PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
})
{
    Timeout = TimeSpan.FromSeconds(60),
};

try
{
    var context = new BenchContext(options, http, logger, repositoryRoot, cancel.Token);
    return options.Scenario switch
    {
        BenchScenario.Playbooks => await PlaybookScenario.RunAsync(context),
        BenchScenario.Queue => await QueueScenario.RunAsync(context),
        _ => await IngestionScenario.RunAsync(context),
    };
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    Console.Error.WriteLine("Interrupted; no figures.");
    return 130;
}
catch (Exception e) when (e is not OutOfMemoryException)
{
    Console.Error.WriteLine($"Benchmark failed: {e}");
    return 1;
}
