using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MimeKit;
using Respond.Server.Tests.Infrastructure;
using SmtpServer;
using SmtpServer.Authentication;
using SmtpServer.Mail;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Respond.Server.Tests.Connectors;

/// <summary>A real SMTP server on loopback that keeps every message it accepts; refuses recipients at <c>refused.example</c>.</summary>
public sealed class FakeSmtpServer : IAsyncDisposable
{
    public const string UserName = "respond";
    public const string Password = "smtp-password-0123456789abcdef";

    private readonly CancellationTokenSource stop = new();
    private readonly Task running;

    private FakeSmtpServer(int port)
    {
        Port = port;
        var options = new SmtpServerOptionsBuilder()
            .ServerName("localhost")
            .Endpoint(endpoint => endpoint.Endpoint(new IPEndPoint(IPAddress.Loopback, port)).AllowUnsecureAuthentication(true))
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(Messages));
        services.Add(new RecipientFilter());
        services.Add(new DelegatingUserAuthenticator((user, password) =>
        {
            Logins.Enqueue(user);
            return user == UserName && password == Password;
        }));
        running = new SmtpServer.SmtpServer(options, services).StartAsync(stop.Token);
    }

    public int Port { get; }

    public ConcurrentQueue<MimeMessage> Messages { get; } = new();

    public ConcurrentQueue<string> Logins { get; } = new();

    public static async Task<FakeSmtpServer> StartAsync()
    {
        var server = new FakeSmtpServer(ConnectorHarness.ClosedPort());
        await Poll.UntilAsync(server.AcceptsConnectionsAsync, up => up, TimeSpan.FromSeconds(10), "the SMTP server to listen");
        return server;
    }

    private async Task<bool> AcceptsConnectionsAsync()
    {
        try
        {
            using var probe = new TcpClient();
            await probe.ConnectAsync(IPAddress.Loopback, Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        try
        {
            await running;
        }
        catch (OperationCanceledException)
        {
            // stopped, as asked
        }

        stop.Dispose();
    }

    private sealed class Store(ConcurrentQueue<MimeMessage> messages) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction,
            ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            messages.Enqueue(await MimeMessage.LoadAsync(stream, cancellationToken));
            return SmtpResponse.Ok;
        }
    }

    private sealed class RecipientFilter : IMailboxFilter
    {
        public Task<bool> CanAcceptFromAsync(ISessionContext context, IMailbox from, int size, CancellationToken cancellationToken) =>
            Task.FromResult(true);

        public Task<bool> CanDeliverToAsync(ISessionContext context, IMailbox to, IMailbox from, CancellationToken cancellationToken) =>
            Task.FromResult(to.Host != "refused.example");
    }
}
