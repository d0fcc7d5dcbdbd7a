namespace Respond.Server.Hosting;

/// <summary>
/// One rule for every API query string, before any route reads it: a name or value may not hold control
/// characters (PostgreSQL refuses a NUL in text, which ended in a 500) and a value is at most
/// <see cref="MaxValueLength"/> characters. Webhooks are left to their own checks.
/// </summary>
internal sealed class QueryGuard(RequestDelegate next)
{
    public const int MaxValueLength = 1000;

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!request.Path.StartsWithSegments("/api") || request.Path.StartsWithSegments("/api/webhooks") || !request.QueryString.HasValue)
        {
            return next(context);
        }

        foreach (var (name, values) in request.Query)
        {
            foreach (var value in values)
            {
                if (HasControl(name) || HasControl(value))
                {
                    return Problems.WriteAsync(context, StatusCodes.Status400BadRequest, "The request is not valid.",
                        $"The query parameter '{Printable(name)}' holds a control character.");
                }

                if (value?.Length > MaxValueLength)
                {
                    return Problems.WriteAsync(context, StatusCodes.Status400BadRequest, "The request is not valid.",
                        $"The query parameter '{Printable(name)}' is longer than {MaxValueLength} characters.");
                }
            }
        }

        return next(context);
    }

    private static bool HasControl(string? text) => text is not null && text.Any(char.IsControl);

    private static string Printable(string name) => new([.. name.Take(40).Select(c => char.IsControl(c) ? '?' : c)]);
}
