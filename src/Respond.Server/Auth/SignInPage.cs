namespace Respond.Server.Auth;

/// <summary>
/// <c>/sign-in</c> is the console's sign-in page (served by the WebConsole slice): it exchanges an API key for the session
/// cookie at <c>POST /api/session</c> and returns to <c>?returnUrl=</c>, only ever a path on this server. Browsers that open
/// a server page needing a session (<c>/hangfire</c>) are sent there.
/// </summary>
public static class SignInPage
{
    public const string Path = "/sign-in";

    /// <summary>
    /// A browser that opens <c>/hangfire</c> without a session is sent to sign in and brought back; API clients (no HTML in
    /// <c>Accept</c>) keep the 401 problem, and signed-in users without the admin role their 403.
    /// </summary>
    public static Task RedirectBrowsersToSignIn(HttpContext context, Func<Task> next)
    {
        var request = context.Request;
        if (request.Path.StartsWithSegments("/hangfire") && HttpMethods.IsGet(request.Method)
            && context.User.Identity?.IsAuthenticated != true
            && request.Headers.Accept.Any(a => a?.Contains("text/html", StringComparison.OrdinalIgnoreCase) == true))
        {
            var back = Uri.EscapeDataString($"{request.PathBase}{request.Path}{request.QueryString}");
            context.Response.Redirect($"{request.PathBase}{Path}?returnUrl={back}");
            return Task.CompletedTask;
        }

        return next();
    }
}
