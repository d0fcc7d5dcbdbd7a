using Respond.Server.Hosting;

namespace Respond.Server.Auth;

/// <summary>
/// A cookie is sent by the browser on its own, so an unsafe request riding on it must also carry a
/// header a cross-site form cannot set.
/// </summary>
internal sealed class CookieCsrfGuard(RequestDelegate next)
{
    public const string Header = "X-Requested-With";
    public const string Value = "respond";

    public Task InvokeAsync(HttpContext context)
    {
        var viaCookie = context.User.Identity is { IsAuthenticated: true, AuthenticationType: AuthModule.CookieScheme };
        var unsafeMethod = !(HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)
            || HttpMethods.IsOptions(context.Request.Method));
        // The Hangfire dashboard carries its own antiforgery token.
        var dashboard = context.Request.Path.StartsWithSegments("/hangfire");
        if (viaCookie && unsafeMethod && !dashboard && context.Request.Headers[Header] != Value)
        {
            return Problems.WriteAsync(context, StatusCodes.Status403Forbidden, "Missing X-Requested-With header.",
                $"Requests that change something with a session cookie must send {Header}: {Value}.");
        }

        return next(context);
    }
}
