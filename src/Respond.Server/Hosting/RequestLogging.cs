using System.Diagnostics;

namespace Respond.Server.Hosting;

/// <summary>
/// One line per request. Logs the path without its query string: webhook senders may put their
/// token in <c>?code=</c>, and secrets never reach the logs. (ASP.NET's own request lines, which
/// include the query, are turned down in appsettings.json.)
/// </summary>
internal sealed partial class RequestLogging(RequestDelegate next, ILogger<RequestLogging> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            var path = context.Request.Path.Value ?? "/";
            if (!path.StartsWith("/health/", StringComparison.Ordinal))
            {
                Log(logger, context.Request.Method, path, context.Response.StatusCode,
                    Stopwatch.GetElapsedTime(started).TotalMilliseconds, context.User.Identity?.Name ?? "-");
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Method} {Path} answered {StatusCode} in {ElapsedMs:0.0} ms for {User}")]
    private static partial void Log(ILogger logger, string method, string path, int statusCode, double elapsedMs, string user);
}
