using Microsoft.AspNetCore.StaticFiles;

namespace Respond.Server.WebConsole;

/// <summary>
/// The browser console (src/Respond.Console, built into wwwroot): its files are public (SPEC §7) and each console route
/// answers with its page, which then routes in the browser. <c>/api/*</c>, <c>/hangfire</c>, <c>/openapi</c> and
/// <c>/health</c> are never answered with it: only the routes listed here are.
/// </summary>
public static class ConsoleModule
{
    /// <summary>The console's routes (SPEC §8), and the sign-in page that <c>/hangfire</c> sends browsers to.</summary>
    public static readonly string[] Routes =
    [
        "/", "/sign-in", "/incidents", "/incidents/{id}", "/approvals", "/playbooks", "/playbooks/{id}", "/runbooks", "/metrics",
        "/sources",
    ];

    // The page loads only its own files: nothing from the internet (SOCs run air-gapped), no inline script.
    private const string Policy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
        "manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static void AddConsole(this WebApplicationBuilder builder) => builder.Services.AddSingleton<ConsoleFiles>();

    /// <summary>Before authorization: the files are public. Hashed assets are cached for good; the page itself never.</summary>
    public static void UseConsoleFiles(this WebApplication app)
    {
        var files = app.Services.GetRequiredService<ConsoleFiles>();
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files.Provider,
            ContentTypeProvider = new FileExtensionContentTypeProvider(),
            OnPrepareResponse = context =>
            {
                var headers = context.Context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                if (context.Context.Request.Path.StartsWithSegments("/assets"))
                {
                    headers.CacheControl = "public, max-age=31536000, immutable";
                }
                else
                {
                    headers.CacheControl = "no-cache";
                    headers.ContentSecurityPolicy = Policy;
                }
            },
        });
    }

    public static void MapConsole(this WebApplication app)
    {
        var files = app.Services.GetRequiredService<ConsoleFiles>();
        foreach (var route in Routes)
        {
            app.MapGet(route, (HttpContext context) => ServePage(context, files)).AllowAnonymous().ExcludeFromDescription();
        }
    }

    private static async Task ServePage(HttpContext context, ConsoleFiles files)
    {
        var response = context.Response;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.CacheControl = "no-cache";
        if (!File.Exists(files.IndexPath))
        {
            // Built with the server; missing only when the build's console step was skipped or failed.
            response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            response.ContentType = "text/plain; charset=utf-8";
            await response.WriteAsync("The console is not built: build the server with Node.js 20.19+ installed (see README).");
            return;
        }

        response.Headers.ContentSecurityPolicy = Policy;
        response.ContentType = "text/html; charset=utf-8";
        await response.SendFileAsync(files.IndexPath, context.RequestAborted);
    }
}
