using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Respond.Server.Hosting;

/// <summary>
/// The last problem writer: ASP.NET's own writes only for clients that accept JSON, and with none left a
/// request asking for <c>text/html</c> or <c>application/xml</c> ended in a 500. The problem document is the
/// API's only error shape, so it is written whatever the <c>Accept</c> header says.
/// </summary>
internal sealed class AnyAcceptProblemWriter(IOptions<JsonOptions> json, IOptions<ProblemDetailsOptions> options) : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => true;

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        options.Value.CustomizeProblemDetails?.Invoke(context);
        var problem = context.ProblemDetails;
        problem.Status ??= context.HttpContext.Response.StatusCode;
        var response = context.HttpContext.Response;
        return new ValueTask(response.WriteAsJsonAsync(problem, typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), json.Value.SerializerOptions,
            "application/problem+json", context.HttpContext.RequestAborted));
    }
}
