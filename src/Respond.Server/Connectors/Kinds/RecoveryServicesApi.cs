using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Respond.Domain.Playbooks.Definitions;

namespace Respond.Server.Connectors.Kinds;

/// <summary>
/// What <c>azure-backup</c> and <c>site-recovery</c> share: calls under one Recovery Services vault
/// (<c>SubscriptionId</c>, <c>ResourceGroup</c>, <c>VaultName</c>, <c>ApiVersion</c>) through Azure Resource Manager,
/// and the waiting of a long-running operation: at <c>PollInterval</c> (ISO-8601, default PT15S) or the
/// <c>Retry-After</c> ARM asks for, whichever is longer, until the step's time-out. URLs that ARM hands back are
/// followed only on the configured <c>BaseUrl</c>'s origin.
/// </summary>
public sealed class RecoveryServicesApi(MicrosoftApi api, TimeProvider clock)
{
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromSeconds(15);

    public TimeProvider Clock => clock;

    /// <summary><c>subscriptions/…/resourceGroups/…/providers/Microsoft.RecoveryServices/vaults/…</c>, each name one escaped segment.</summary>
    public static string VaultPath(ConnectorRequest request) => string.Join('/',
        "subscriptions", SettingSegment(request, "SubscriptionId"),
        "resourceGroups", SettingSegment(request, "ResourceGroup"),
        "providers/Microsoft.RecoveryServices/vaults", SettingSegment(request, "VaultName"));

    public static string SettingSegment(ConnectorRequest request, string key, string? fallback = null) =>
        UrlPaths.Segment(request, $"the setting {key}", request.OptionalSetting(key) ?? fallback ?? request.Setting(key));

    /// <summary>A call to <paramref name="path"/> (already escaped) with the connector's <c>api-version</c>.</summary>
    public Task<OutboundResponse> SendAsync(ConnectorRequest request, HttpMethod method, string path, string defaultApiVersion,
        JsonNode? body, CancellationToken cancellationToken)
    {
        var version = Uri.EscapeDataString(request.OptionalSetting("ApiVersion") ?? defaultApiVersion);
        return api.SendAsync(request, MicrosoftService.ResourceManager, method, $"{path}?api-version={version}", body, cancellationToken);
    }

    /// <summary>GETs a URL ARM answered with (<paramref name="what"/> names it in messages); refused off the configured origin.</summary>
    public Task<OutboundResponse> FollowAsync(ConnectorRequest request, Uri url, string what, CancellationToken cancellationToken)
    {
        EnsureOnOrigin(request, url, what);
        return api.SendAsync(request, MicrosoftService.ResourceManager, HttpMethod.Get, url, null, cancellationToken);
    }

    /// <summary>The operation URLs of an accepted call, each checked against the configured origin before any is called.</summary>
    public static (Uri? AsyncOperation, Uri? Location) OperationUrls(ConnectorRequest request, OutboundResponse accepted)
    {
        var asyncOperation = HeaderUrl(request, accepted, "Azure-AsyncOperation");
        var location = HeaderUrl(request, accepted, "Location");
        return (asyncOperation, location);
    }

    /// <summary>
    /// Waits for an accepted ARM operation: its <c>Azure-AsyncOperation</c> until <c>status</c> is final, or else its
    /// <c>Location</c> until it stops answering 202. Answers the final body (the status, or the result).
    /// </summary>
    public async Task<JsonObject?> AwaitOperationAsync(ConnectorRequest request, OutboundResponse accepted, PollDeadline deadline,
        Func<string, ConnectorException> timedOut, CancellationToken cancellationToken)
    {
        var (asyncOperation, location) = OperationUrls(request, accepted);
        if (asyncOperation is null && location is null)
        {
            return accepted.JsonOrText() as JsonObject;
        }

        var last = accepted;
        while (true)
        {
            if (!await PauseAsync(request, last, deadline, cancellationToken))
            {
                throw timedOut("the operation");
            }

            last = await FollowAsync(request, asyncOperation ?? location!, asyncOperation is null ? "Location" : "Azure-AsyncOperation",
                cancellationToken);
            var body = last.JsonOrText() as JsonObject;
            if (asyncOperation is null)
            {
                if (last.Status != 202)
                {
                    return body;
                }

                continue;
            }

            switch (Text(body?["status"]))
            {
                case "Succeeded":
                    return body;
                case "Failed" or "Canceled" or "Cancelled":
                    throw new ConnectorException(
                        $"Connector '{request.ConnectorName}' {request.Operation}: the operation ended {Text(body?["status"])}"
                            + (ErrorText(body?["error"]) is { Length: > 0 } error ? $": {error}" : "."),
                        retryable: false);
            }
        }
    }

    /// <summary>
    /// Waits before the next poll: <c>PollInterval</c>, or longer when the last answer's <c>Retry-After</c> asks,
    /// cut short at the deadline. False when the deadline has already passed.
    /// </summary>
    public async Task<bool> PauseAsync(ConnectorRequest request, OutboundResponse last, PollDeadline deadline,
        CancellationToken cancellationToken)
    {
        var remaining = deadline.Remaining;
        if (remaining <= TimeSpan.Zero)
        {
            return false;
        }

        var wait = PollInterval(request);
        if (RetryAfter(last) is { } asked && asked > wait)
        {
            wait = asked;
        }

        await Task.Delay(wait < remaining ? wait : remaining, cancellationToken);
        return true;
    }

    public PollDeadline StartDeadline(ConnectorRequest request) => new(clock, OutboundHttp.EffectiveTimeout(request.Timeout));

    public static TimeSpan PollInterval(ConnectorRequest request) =>
        DurationSetting(request, "PollInterval") is { } interval && interval > TimeSpan.Zero ? interval : DefaultPollInterval;

    /// <summary>An ISO-8601 duration setting (<c>PT15S</c>, <c>P1D</c>); null when absent, refused by name when malformed.</summary>
    public static TimeSpan? DurationSetting(ConnectorRequest request, string key) => request.OptionalSetting(key) switch
    {
        null => null,
        var text when IsoDuration.TryParse(text, out var duration) => duration,
        _ => throw new ConnectorException(
            $"Connector '{request.ConnectorName}': the setting {key} is not an ISO-8601 duration such as PT15S or P1D.", retryable: false),
    };

    /// <summary>An ISO-8601 duration in the input; refused by name when malformed.</summary>
    public static TimeSpan? DurationInput(ConnectorRequest request, string name) => request.OptionalString(name) switch
    {
        null or "" => null,
        var text when IsoDuration.TryParse(text, out var duration) => duration,
        _ => throw InputValues.Refused(request, $"input.{name} is not an ISO-8601 duration such as PT15M."),
    };

    public static double Seconds(TimeSpan span) => Math.Round(span.TotalSeconds, 3);

    public static string? Text(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    /// <summary>ARM's <c>{ code, message }</c> error as one line.</summary>
    public static string ErrorText(JsonNode? error) => error is JsonObject e
        ? string.Join(": ", new[] { Text(e["code"]), Text(e["message"]) }.Where(s => !string.IsNullOrWhiteSpace(s)))
        : "";

    public static DateTimeOffset? Time(JsonNode? node) =>
        DateTimeOffset.TryParse(Text(node), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time.ToUniversalTime()
            : null;

    private static Uri? HeaderUrl(ConnectorRequest request, OutboundResponse answer, string header)
    {
        if (!answer.Headers.TryGetValue(header, out var text) || string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var url))
        {
            throw new ConnectorException(
                $"Connector '{request.ConnectorName}' {request.Operation}: Azure Resource Manager answered with a {header} that is not an "
                    + "absolute URL; it was not followed.",
                retryable: false);
        }

        EnsureOnOrigin(request, url, header);
        return url;
    }

    private static void EnsureOnOrigin(ConnectorRequest request, Uri url, string what)
    {
        var allowed = MicrosoftApi.BaseUrlOf(request, MicrosoftService.ResourceManager);
        var same = string.Equals(url.Scheme, allowed.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(url.IdnHost, allowed.IdnHost, StringComparison.OrdinalIgnoreCase)
            && url.Port == allowed.Port
            && url.UserInfo.Length == 0;
        if (!same)
        {
            // The foreign host is named (it came from the answer, not from a secret); its path and query are not.
            throw new ConnectorException(
                $"Connector '{request.ConnectorName}' {request.Operation}: the {what} URL Azure Resource Manager answered with points at "
                    + $"{url.Scheme}://{url.Authority}, not the configured host ({allowed.Authority}); it was refused and not called.",
                retryable: false);
        }
    }

    private TimeSpan? RetryAfter(OutboundResponse answer)
    {
        if (!answer.Headers.TryGetValue("Retry-After", out var text))
        {
            return null;
        }

        if (int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(seconds);
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at - clock.GetUtcNow()
            : null;
    }
}

/// <summary>Time since a step's long-running work began, by the injected clock, and how much of its time-out is left.</summary>
public sealed class PollDeadline(TimeProvider clock, TimeSpan limit)
{
    private readonly long started = clock.GetTimestamp();

    public TimeSpan Limit => limit;

    public TimeSpan Elapsed => clock.GetElapsedTime(started);

    public TimeSpan Remaining => limit - Elapsed;
}
