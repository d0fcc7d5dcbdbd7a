using Microsoft.AspNetCore.Diagnostics;

namespace Respond.Server.Hosting;

/// <summary>PostgreSQL down is not a bug: 503 with Retry-After, so senders try again.</summary>
internal sealed class StorageUnavailableHandler(IProblemDetailsService problems, ILogger<StorageUnavailableHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (!Storage.StorageFailures.IsUnavailable(exception))
        {
            return false;
        }

        logger.LogWarning("Storage unavailable: {Reason}", exception.GetBaseException().Message);
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = "5";
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Storage is unavailable.",
                Detail = "Nothing was stored. Try again after the Retry-After interval.",
            },
        });
    }
}
