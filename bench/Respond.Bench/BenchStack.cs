using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace Respond.Bench;

/// <summary>What every scenario gets from the command line and the program: options, the one HTTP client, the repository.</summary>
internal sealed record BenchContext(BenchOptions Options, HttpClient Http, ILogger Logger, string RepositoryRoot, CancellationToken Cancellation);

/// <summary>
/// The system under test of one run: a fresh database (a private cluster, or a new database on
/// <c>--connection</c>) and the Release server as a child process on it. Disposing stops the server, then
/// drops the database or stops and deletes the cluster.
/// </summary>
internal sealed class BenchStack : IDisposable
{
    private BenchStack(BenchDatabase database, ServerUnderTest server, string sourceToken, string viewerKey)
    {
        Database = database;
        Server = server;
        SourceToken = sourceToken;
        ViewerKey = viewerKey;
    }

    public BenchDatabase Database { get; }

    public ServerUnderTest Server { get; }

    /// <summary>The <c>bench</c> source's bearer token.</summary>
    public string SourceToken { get; }

    /// <summary>The API key of the <c>bench</c> user (role viewer).</summary>
    public string ViewerKey { get; }

    /// <summary>Starts storage and the server; prints one line for each.</summary>
    /// <param name="settings">Extra server settings as environment variables (see <see cref="ServerUnderTest.StartAsync"/>).</param>
    /// <param name="logFile">Where to copy the server's stdout/stderr, or null.</param>
    public static async Task<BenchStack> StartAsync(BenchContext context, IReadOnlyDictionary<string, string>? settings, string? logFile)
    {
        var sourceToken = RandomNumberGenerator.GetHexString(32);
        var viewerKey = RandomNumberGenerator.GetHexString(32);

        var database = BenchDatabase.Create(context.Options.Connection, context.Logger);
        try
        {
            var pgVersion = await database.ServerVersionAsync();
            Console.WriteLine($"storage: PostgreSQL {pgVersion}, database {database.Name} on {database.Where}");

            var serverDll = ServerUnderTest.ServerDll(context.RepositoryRoot);
            var startClock = Stopwatch.StartNew();
            var server = await ServerUnderTest.StartAsync(
                serverDll, database.ConnectionString, sourceToken, viewerKey, context.Http, settings, logFile, context.Cancellation);
            Console.WriteLine($"server: pid {server.Pid} on {server.BaseAddress} ready in {startClock.Elapsed.TotalSeconds:0.0} s ({serverDll})");
            return new BenchStack(database, server, sourceToken, viewerKey);
        }
        catch
        {
            database.Dispose();
            throw;
        }
    }

    /// <summary>CPU seconds so far of the server, PostgreSQL (private cluster only), the bench and the machine.</summary>
    public CpuSample? CpuNow() => CpuSample.Take(Server.Pid, Database.PostmasterPid);

    public void Dispose()
    {
        // The server first: the database it uses is dropped (or its cluster stopped) after it is gone.
        Server.Dispose();
        Database.Dispose();
    }
}
