using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Respond.Server.Tests.Infrastructure;

/// <summary>
/// The server as its own OS process, for what an in-memory host cannot show: a real socket for
/// other programs to call, and a <c>kill -9</c>.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();

    private ServerProcess(Process process, int port)
    {
        this.process = process;
        Port = port;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
    }

    public int Port { get; }
    public Uri BaseAddress { get; }
    public string Output { get { lock (output) { return output.ToString(); } } }
    public bool HasExited => process.HasExited;

    public static async Task<ServerProcess> StartAsync(string connectionString, IDictionary<string, string?>? extra = null)
    {
        var port = FreePort();
        var info = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { ServerDll(), "--urls", $"http://127.0.0.1:{port}" },
            WorkingDirectory = Path.GetDirectoryName(ServerDll())!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        var settings = TestUsers.Settings(connectionString);
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        foreach (var (key, value) in settings)
        {
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var server = new ServerProcess(Process.Start(info)!, port);
        TestRunLedger.Process(server.process);
        server.process.OutputDataReceived += (_, e) => server.Append(e.Data);
        server.process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        server.process.BeginOutputReadLine();
        server.process.BeginErrorReadLine();
        await server.WaitUntilLiveAsync();
        return server;
    }

    public HttpClient Client(string? user = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (user is not null)
        {
            client.DefaultRequestHeaders.Authorization = new("Bearer", TestUsers.Keys[user]);
        }

        return client;
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing, exactly what a crash does.</summary>
    public void Kill()
    {
        process.Kill(entireProcessTree: true);
        process.WaitForExit(10_000);
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }

    private async Task WaitUntilLiveAsync()
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The server exited with {process.ExitCode}:\n{Output}");
            }

            try
            {
                if ((await client.GetAsync("/health/live")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"The server did not become live within 60 s:\n{Output}");
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The server's own build output, beside this test project's in the same configuration.</summary>
    private static string ServerDll()
    {
        var testBin = AppContext.BaseDirectory; // …/tests/Respond.Server.Tests/bin/<Configuration>/net10.0/
        var configuration = new DirectoryInfo(testBin).Parent!.Name;
        var root = Respond.Server.Storage.RepositoryRoot.Find(testBin) ?? throw new InvalidOperationException("Not inside a Respond checkout.");
        var dll = Path.Combine(root, "src", "Respond.Server", "bin", configuration, "net10.0", "Respond.Server.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("Build the server first.", dll);
    }
}
