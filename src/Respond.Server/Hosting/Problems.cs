namespace Respond.Server.Hosting;

/// <summary>Every refusal is <c>application/problem+json</c> with a title a person can act on.</summary>
public static class Problems
{
    public static IResult Status(int status, string title, string? detail = null, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title, extensions: extensions);

    public static IResult BadRequest(string detail) => Status(StatusCodes.Status400BadRequest, "The request is not valid.", detail);

    public static IResult NotFound(string detail) => Status(StatusCodes.Status404NotFound, "Not found.", detail);

    public static IResult Conflict(string detail) => Status(StatusCodes.Status409Conflict, "The incident's state forbids this.", detail);

    public static IResult PreconditionFailed(long current) => Status(StatusCodes.Status412PreconditionFailed,
        "The incident has changed since you read it.", $"If-Match does not match the current version {current}.",
        new Dictionary<string, object?> { ["currentVersion"] = current });

    /// <summary>429 with <c>Retry-After</c> in whole seconds (at least one).</summary>
    public static IResult TooManyRequests(HttpContext context, TimeSpan wait)
    {
        var seconds = RetryAfter(context, wait);
        return Status(StatusCodes.Status429TooManyRequests, "Too many requests.", $"Slow down; try again in {seconds} s. Nothing was stored.");
    }

    /// <summary>The same 429 outside an endpoint.</summary>
    public static Task WriteTooManyRequestsAsync(HttpContext context, TimeSpan wait)
    {
        var seconds = RetryAfter(context, wait);
        return WriteAsync(context, StatusCodes.Status429TooManyRequests, "Too many requests.",
            $"Slow down; try again in {seconds} s. Nothing was stored.");
    }

    private static int RetryAfter(HttpContext context, TimeSpan wait)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return seconds;
    }

    /// <summary>Writes a problem outside an endpoint (middleware, auth, rate limiter).</summary>
    public static Task WriteAsync(HttpContext context, int status, string title, string? detail = null)
    {
        context.Response.StatusCode = status;
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        return problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        }).AsTask();
    }
}
