using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Respond.Server.Tests.Infrastructure;

/// <summary>
/// The real server in memory, on its own fresh database of the shared test PostgreSQL. One per
/// test class (xunit class fixture), so classes run in parallel without seeing each other's data.
/// </summary>
public class RespondApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    public string ConnectionString { get; private set; } = "";

    public CapturedLogs Logs { get; } = new();

    protected virtual IDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>();

    /// <summary>Set to run this host on another host's database, as a second server process would.</summary>
    public string? SharedConnectionString { get; init; }

    public virtual async Task InitializeAsync()
    {
        ConnectionString = SharedConnectionString ?? await TestPostgres.CreateDatabaseAsync("respond");
        _ = Server; // start now, so schema creation is not charged to the first test
    }

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var settings = TestUsers.Settings(ConnectionString);
        foreach (var (key, value) in ExtraSettings)
        {
            settings[key] = value;
        }

        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        builder.UseEnvironment("Testing");
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter, TestPeer>());
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
    }

    public HttpClient As(string user)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestUsers.Keys[user]);
        return client;
    }

    public HttpClient Anonymous() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    public T Service<T>() where T : notnull => Services.GetRequiredService<T>();
}

/// <summary>
/// The in-memory server has no peer address. A test names one with <c>X-Test-Peer</c>, as if the TCP
/// connection came from there; it is applied before anything of the server's own runs.
/// </summary>
public sealed class TestPeer : IStartupFilter
{
    public const string Header = "X-Test-Peer";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            if (System.Net.IPAddress.TryParse(context.Request.Headers[Header].ToString(), out var peer))
            {
                context.Connection.RemoteIpAddress = peer;
            }

            return nextMiddleware(context);
        });
        next(app);
    };
}
