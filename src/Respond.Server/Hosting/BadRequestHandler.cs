using Microsoft.AspNetCore.Diagnostics;

namespace Respond.Server.Hosting;

/// <summary>
/// A body Kestrel could not read (a broken chunk, a body cut short, one over Kestrel's own limit) is the caller's
/// fault: its own status (400, 408, 413) as a problem, not a 500.
/// </summary>
internal sealed class BadRequestHandler : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad || context.Response.HasStarted)
        {
            return false;
        }

        await Problems.WriteAsync(context, bad.StatusCode, "The request could not be read.", bad.Message);
        return true;
    }
}
