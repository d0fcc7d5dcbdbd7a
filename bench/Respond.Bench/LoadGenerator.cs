using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Respond.Bench;

/// <summary>What one phase of sending produced. Latencies are Stopwatch ticks, one per 202.</summary>
internal sealed record LoadResult(long Accepted, TimeSpan Elapsed, long[] Latencies, IReadOnlyDictionary<string, long> Errors)
{
    public long ErrorCount => Errors.Values.Sum();

    public double PerSecond => Accepted / Elapsed.TotalSeconds;
}

/// <summary>
/// Senders posting distinct generic alerts to <c>POST /api/webhooks/bench</c>: concurrent closed loops, or an
/// open loop at a fixed rate. Every alert has a new id (the mapped fingerprint), so each one is a new alert that
/// opens a new incident: the worst case for storage (a new stream, an inline projection row, an alert document
/// and a correlation slot per alert). <paramref name="alertBody"/> replaces the ingestion bench's alert shape
/// (it gets the alert's sequence number, 1, 2, …).
/// </summary>
internal sealed class LoadGenerator(HttpClient http, Uri baseAddress, string sourceToken, Func<long, byte[]>? alertBody = null)
{
    // A broken server should end the run with a report, not retry forever.
    private const long MaxErrorsPerPhase = 10_000;

    private static readonly string[] Severities = ["critical", "high", "medium", "low", "informational"];

    // Distinct across runs too, so a reused --connection database still sees only new alerts.
    private readonly string _runId = Guid.NewGuid().ToString("N")[..8];
    private readonly Uri _webhook = new(baseAddress, $"/api/webhooks/{ServerUnderTest.SourceName}");
    private readonly AuthenticationHeaderValue _authorization = new("Bearer", sourceToken);
    private long _sequence;

    /// <summary>Alerts the server answered 202 for, over every phase so far.</summary>
    public long TotalAccepted { get; private set; }

    /// <summary>Sends for <paramref name="duration"/>; requests in flight at the deadline are allowed to finish.</summary>
    public Task<LoadResult> RunForAsync(int concurrency, TimeSpan duration, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        return RunAsync(concurrency, () => Stopwatch.GetTimestamp() < deadline, _ => { }, cancellationToken);
    }

    /// <summary>Sends until <paramref name="count"/> more alerts were accepted (a failed send is retried with a new alert).</summary>
    public Task<LoadResult> RunUntilAcceptedAsync(int concurrency, long count, CancellationToken cancellationToken)
    {
        // Slots, not a plain counter: a sender takes a slot before sending and gives it back when the send
        // fails, so the phase ends with exactly `count` accepted alerts.
        long slots = 0;
        bool TakeSlot()
        {
            if (Interlocked.Increment(ref slots) <= count)
            {
                return true;
            }

            Interlocked.Decrement(ref slots);
            return false;
        }

        return RunAsync(concurrency, TakeSlot, accepted => { if (!accepted) { Interlocked.Decrement(ref slots); } }, cancellationToken);
    }

    /// <summary>
    /// Open loop: starts one send every 1/<paramref name="perSecond"/> s for <paramref name="duration"/>, on a
    /// schedule by time, whether or not earlier sends have been answered; then waits for the answers.
    /// <paramref name="answered"/> gets each alert's sequence number, the Stopwatch timestamp taken just before its
    /// POST was sent, and its time to 202 in Stopwatch ticks (null when it was not accepted).
    /// </summary>
    public async Task<LoadResult> RunAtRateAsync(double perSecond, TimeSpan duration, Action<long, long, long?> answered,
        CancellationToken cancellationToken)
    {
        var phase = new Phase(() => true, _ => { });
        var count = (long)Math.Round(perSecond * duration.TotalSeconds);
        var inFlight = new List<Task<long?>>((int)Math.Min(count, 1_000_000));
        var clock = Stopwatch.StartNew();
        var start = Stopwatch.GetTimestamp();
        for (long i = 0; i < count && phase.ErrorCount < MaxErrorsPerPhase; i++)
        {
            // Due times from the start, not from the previous send: a late wake-up does not shift the rest.
            var due = start + (long)(i * Stopwatch.Frequency / perSecond);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken);
            }

            inFlight.Add(SendOneAsync(phase, answered, cancellationToken));
        }

        var outcomes = await Task.WhenAll(inFlight);
        clock.Stop();
        var latencies = outcomes.OfType<long>().ToArray();
        TotalAccepted += latencies.Length;
        return new LoadResult(latencies.Length, clock.Elapsed, latencies, phase.Errors);
    }

    private async Task<LoadResult> RunAsync(int concurrency, Func<bool> mayStartAnother, Action<bool> finished, CancellationToken cancellationToken)
    {
        var phase = new Phase(mayStartAnother, finished);
        var clock = Stopwatch.StartNew();
        var senders = Enumerable.Range(0, concurrency)
            .Select(_ => Task.Run(() => SendLoopAsync(phase, cancellationToken), cancellationToken))
            .ToArray();
        var perSender = await Task.WhenAll(senders);
        clock.Stop();

        var latencies = perSender.SelectMany(l => l).ToArray();
        TotalAccepted += latencies.Length;
        return new LoadResult(latencies.Length, clock.Elapsed, latencies, phase.Errors);
    }

    private async Task<List<long>> SendLoopAsync(Phase phase, CancellationToken cancellationToken)
    {
        // Preallocated so that growing the list is not part of what we time.
        var latencies = new List<long>(capacity: 16_384);
        while (!cancellationToken.IsCancellationRequested && phase.ErrorCount < MaxErrorsPerPhase && phase.MayStartAnother())
        {
            var latency = await SendOneAsync(phase, answered: null, cancellationToken);
            if (latency is { } elapsed)
            {
                latencies.Add(elapsed);
            }

            phase.Finished(latency is not null);
        }

        return latencies;
    }

    /// <summary>One alert: its time to 202 in Stopwatch ticks, or null when it was not accepted (the failure is on the phase).</summary>
    private async Task<long?> SendOneAsync(Phase phase, Action<long, long, long?>? answered, CancellationToken cancellationToken)
    {
        var n = Interlocked.Increment(ref _sequence);
        using var request = new HttpRequestMessage(HttpMethod.Post, _webhook)
        {
            Content = new ByteArrayContent(alertBody is null ? AlertBody(n) : alertBody(n))
            {
                Headers = { ContentType = new MediaTypeHeaderValue("application/json") },
            },
        };
        request.Headers.Authorization = _authorization;

        string? failure;
        long? latency = null;
        var started = Stopwatch.GetTimestamp();
        try
        {
            // Default completion option: the time includes reading the (small) answer body.
            using var answer = await http.SendAsync(request, cancellationToken);
            var elapsed = Stopwatch.GetTimestamp() - started;
            if (answer.StatusCode == HttpStatusCode.Accepted)
            {
                latency = elapsed;
                failure = null;
            }
            else
            {
                failure = $"{(int)answer.StatusCode} {Describe(await answer.Content.ReadAsStringAsync(cancellationToken))}";
            }
        }
        catch (HttpRequestException e)
        {
            failure = $"{e.GetType().Name}: {e.Message}";
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            failure = $"timeout: {e.Message}";
        }

        if (failure is not null)
        {
            phase.Failed(failure);
        }

        answered?.Invoke(n, started, latency);
        return latency;
    }

    private byte[] AlertBody(long n)
    {
        var json = string.Create(CultureInfo.InvariantCulture,
            $$"""{"id":"bench-{{_runId}}-{{n}}","title":"Bench alert {{n}}","severity":"{{Severities[n % Severities.Length]}}","ip":"10.""" +
            $$"""{{(n >> 16) & 255}}.{{(n >> 8) & 255}}.{{n & 255}}"}""");
        return Encoding.UTF8.GetBytes(json);
    }

    // Error answers are grouped by text: a problem document's title, not its per-request trace id.
    private static string Describe(string body)
    {
        try
        {
            using var problem = JsonDocument.Parse(body);
            if (problem.RootElement.ValueKind == JsonValueKind.Object
                && problem.RootElement.TryGetProperty("title", out var title) && title.ValueKind == JsonValueKind.String)
            {
                return title.GetString()!;
            }
        }
        catch (JsonException)
        {
            // Not a problem document: show the start of the text.
        }

        return body.Length <= 200 ? body : body[..200] + "…";
    }

    /// <summary>One phase's shared state: when to stop, and the errors grouped by description.</summary>
    private sealed class Phase(Func<bool> mayStartAnother, Action<bool> finished)
    {
        private readonly ConcurrentDictionary<string, long> _errors = new();
        private long _errorCount;

        public IReadOnlyDictionary<string, long> Errors => _errors;

        public long ErrorCount => Interlocked.Read(ref _errorCount);

        public bool MayStartAnother() => mayStartAnother();

        public void Finished(bool accepted) => finished(accepted);

        public void Failed(string description)
        {
            Interlocked.Increment(ref _errorCount);
            _errors.AddOrUpdate(description, 1, (_, count) => count + 1);
        }
    }
}
