using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Respond.Bench;

/// <summary>One request the target received: when (Stopwatch timestamp, taken first thing), where, for which IP, with which key.</summary>
internal sealed record TargetRequest(long ArrivedAt, string Path, string? Ip, string? IdempotencyKey, bool TokenMatched);

/// <summary>
/// The outside world of the playbooks, in this process on 127.0.0.1 (Kestrel, a free port): a firewall API,
/// <c>POST /blocks {ip, reason, durationSeconds}</c> → 201 <c>{"id":"…"}</c>, and a notification endpoint,
/// <c>POST /notify</c> (any JSON; the bench's playbook sends <c>{ip}</c>) → 200. Both answer at once and
/// record every request; the Stopwatch is the bench's own, so arrival times compare with send times directly.
/// </summary>
internal sealed class FirewallTarget : IAsyncDisposable
{
    public const string Token = "bench-token";
    public const string BlocksPath = "/blocks";
    public const string NotifyPath = "/notify";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<TargetRequest> _requests = new();
    private readonly ConcurrentDictionary<string, long> _firstBlock = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _firstNotify = new(StringComparer.Ordinal);

    // Distinct IPs blocked / notified, by the IP's first octet: the bench gives each phase its own.
    private readonly int[] _blockedByOctet = new int[256];
    private readonly int[] _notifiedByOctet = new int[256];

    private FirewallTarget(WebApplication app)
    {
        _app = app;
        BaseAddress = new Uri("http://127.0.0.1");
    }

    public Uri BaseAddress { get; private set; }

    /// <summary>Every request so far, in arrival order (roughly: concurrent arrivals may interleave).</summary>
    public IReadOnlyCollection<TargetRequest> Requests => _requests;

    public static async Task<FirewallTarget> StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = "Production",
        });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var target = new FirewallTarget(app);
        app.MapPost(BlocksPath, target.BlockAsync);
        app.MapPost(NotifyPath, target.NotifyAsync);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        // Port 0: Kestrel picked a free port; the bound address is in Urls once started.
        target.BaseAddress = new Uri(app.Urls.First());
        return target;
    }

    /// <summary>The first block's arrival time for <paramref name="ip"/>, if any came.</summary>
    public bool TryGetFirstBlock(string ip, out long arrivedAt) => _firstBlock.TryGetValue(ip, out arrivedAt);

    /// <summary>The first notification's arrival time for <paramref name="ip"/>, if any came.</summary>
    public bool TryGetFirstNotify(string ip, out long arrivedAt) => _firstNotify.TryGetValue(ip, out arrivedAt);

    /// <summary>Distinct IPv4 addresses blocked whose first octet is <paramref name="firstOctet"/>.</summary>
    public int BlockedCount(int firstOctet) => Volatile.Read(ref _blockedByOctet[firstOctet]);

    /// <summary>Distinct IPv4 addresses notified whose first octet is <paramref name="firstOctet"/> (one per completed three-step run).</summary>
    public int NotifiedCount(int firstOctet) => Volatile.Read(ref _notifiedByOctet[firstOctet]);

    /// <summary>First-notification arrival times of the IPv4 addresses whose first octet is <paramref name="firstOctet"/>.</summary>
    public long[] NotifyTimes(int firstOctet) =>
        [.. _firstNotify.Where(pair => FirstOctet(pair.Key) == firstOctet).Select(pair => pair.Value)];

    public async ValueTask DisposeAsync()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(deadline.Token);
        await _app.DisposeAsync();
    }

    private async Task BlockAsync(HttpContext context)
    {
        var request = await RecordAsync(context, BlocksPath);
        if (request.Ip is { } ip && _firstBlock.TryAdd(ip, request.ArrivedAt) && FirstOctet(ip) is { } octet)
        {
            Interlocked.Increment(ref _blockedByOctet[octet]);
        }

        context.Response.StatusCode = StatusCodes.Status201Created;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync($$"""{"id":"{{Guid.NewGuid():N}}"}""", context.RequestAborted);
    }

    private async Task NotifyAsync(HttpContext context)
    {
        var request = await RecordAsync(context, NotifyPath);
        if (request.Ip is { } ip && _firstNotify.TryAdd(ip, request.ArrivedAt) && FirstOctet(ip) is { } octet)
        {
            Interlocked.Increment(ref _notifiedByOctet[octet]);
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync("""{"ok":true}""", context.RequestAborted);
    }

    private static int? FirstOctet(string ip) =>
        ip.IndexOf('.', StringComparison.Ordinal) is > 0 and var dot
            && byte.TryParse(ip.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var octet)
            ? octet
            : null;

    private async Task<TargetRequest> RecordAsync(HttpContext context, string path)
    {
        var arrivedAt = Stopwatch.GetTimestamp();
        var key = context.Request.Headers["Idempotency-Key"].ToString();
        var tokenMatched = context.Request.Headers.Authorization.ToString() == "Bearer " + Token;
        string? ip = null;
        try
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            if (body.RootElement.ValueKind == JsonValueKind.Object
                && body.RootElement.TryGetProperty("ip", out var value) && value.ValueKind == JsonValueKind.String)
            {
                ip = value.GetString();
            }
        }
        catch (JsonException)
        {
            // Recorded without an IP: the bench reports requests it cannot attribute.
        }

        var request = new TargetRequest(arrivedAt, path, ip, key.Length == 0 ? null : key, tokenMatched);
        _requests.Enqueue(request);
        return request;
    }
}
