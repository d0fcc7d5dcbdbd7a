using System.Security.Cryptography;
using System.Text;

namespace Respond.Server.Auth;

/// <summary>
/// <c>GET /sign-in</c>: the plain page a browser is sent to without a session (from <c>/hangfire</c>, say). It exchanges an API key
/// for the session cookie at <c>POST /api/session</c> and returns to the page that sent it, only ever a path on this server.
/// Self-contained, so it works air-gapped; its script is pinned by hash in the Content-Security-Policy.
/// </summary>
public static class SignInPage
{
    public const string Path = "/sign-in";

    private const string Script = """
        const form = document.getElementById('f'), out = document.getElementById('msg');
        const back = new URLSearchParams(location.search).get('returnUrl') || '/';
        const safe = back.startsWith('/') && !back.startsWith('//') && !back.startsWith('/\\') ? back : '/';
        form.addEventListener('submit', async e => {
          e.preventDefault(); out.textContent = 'Signing in…';
          const r = await fetch('/api/session', { method: 'POST', headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ apiKey: document.getElementById('key').value }) });
          if (r.ok) { location.assign(safe); return; }
          const p = await r.json().catch(() => ({}));
          out.textContent = p.detail || p.title || ('Sign-in failed (' + r.status + ').');
        });
        """;

    private static readonly string Html = $$"""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Sign in · Respond</title>
        <style>
          :root { color-scheme: light dark; font-family: system-ui, sans-serif; }
          main { max-width: 22rem; margin: 15vh auto; padding: 1.5rem; border: 1px solid #8884; border-radius: .5rem; }
          label, input, button { display: block; width: 100%; box-sizing: border-box; font-size: 1rem; }
          input { margin: .4rem 0 1rem; padding: .5rem; } button { padding: .6rem; cursor: pointer; }
          #msg { min-height: 1.5em; margin-top: 1rem; }
        </style></head>
        <body><main><h1>Respond</h1>
        <form id="f"><label for="key">API key</label>
        <input id="key" name="apiKey" type="password" autocomplete="current-password" required autofocus>
        <button type="submit">Sign in</button></form>
        <p id="msg" role="status" aria-live="polite"></p></main>
        <script>{{Script}}</script></body></html>
        """;

    private static readonly string Policy =
        $"default-src 'none'; style-src 'unsafe-inline'; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; " +
        $"base-uri 'none'; script-src 'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(Script)))}'";

    public static void Map(WebApplication app) => app.MapGet(Path, (HttpContext context) =>
    {
        context.Response.Headers.ContentSecurityPolicy = Policy;
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        return Results.Content(Html, "text/html; charset=utf-8");
    }).AllowAnonymous().ExcludeFromDescription();

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
