using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Respond.Server.Tests.Auth;
using Respond.Server.Tests.Infrastructure;

namespace Respond.Server.Tests.Browser;

/// <summary>The console's server with single sign-on configured against a local identity provider.</summary>
public sealed class OidcConsoleBrowser : ConsoleBrowser
{
    public LocalIssuer Issuer { get; } = new();

    protected override async Task<IDictionary<string, string?>> ExtraSettingsAsync()
    {
        await Issuer.StartAsync();
        return new Dictionary<string, string?>
        {
            ["Respond:Auth:Authority"] = Issuer.Authority,
            ["Respond:Auth:Audience"] = "api://respond",
            ["Respond:Auth:RequireHttpsMetadata"] = "false",
            ["Respond:Auth:ClientId"] = "respond-console",
            ["Respond:Auth:DisplayName"] = "Contoso Entra ID",
        };
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Issuer.DisposeAsync();
    }
}

[Collection(ConsoleBrowser.Sequential)]
public sealed partial class OidcBrowserTests(OidcConsoleBrowser browser) : IClassFixture<OidcConsoleBrowser>
{
    [RequiresProgramFact("chromium")]
    public async Task A_responder_signs_in_through_the_identity_provider_and_lands_on_the_page_they_asked_for()
    {
        var (context, page, errors) = await browser.NewPageAsync();
        await using var _ = context;
        browser.Issuer.SignIns.NextUser = new("9f1e-ada", "ada@contoso.com", ["responder"]);

        await page.GotoAsync("/incidents?status=new");
        await Assertions.Expect(page).ToHaveURLAsync(SignIn());
        var sso = page.GetByRole(AriaRole.Link, new() { Name = "Sign in with Contoso Entra ID" });
        await Assertions.Expect(sso).ToBeVisibleAsync();
        await ConsoleBrowser.ScreenshotAsync(page, "17-sign-in-sso");
        await sso.ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/incidents\?status=new$"));
        await Assertions.Expect(page.GetByText(new Regex("^ada@contoso.com · "))).ToBeVisibleAsync();
        Assert.True(errors.Count == 0, "The browser console showed errors:\n" + string.Join("\n", errors));
    }

    [RequiresProgramFact("chromium")]
    public async Task Someone_without_a_respond_role_is_told_so_on_the_sign_in_page()
    {
        var (context, page, _) = await browser.NewPageAsync();
        await using var __ = context;
        browser.Issuer.SignIns.NextUser = new("1111-guest", "guest@contoso.com", ["reader"]);

        await page.GotoAsync("/sign-in");
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign in with Contoso Entra ID" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("grants you no Respond role");
    }

    [GeneratedRegex(@"/sign-in(\?|$)")]
    private static partial Regex SignIn();
}
