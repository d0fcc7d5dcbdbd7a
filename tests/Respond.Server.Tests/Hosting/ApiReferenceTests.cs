using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Respond.Server.Tests.Infrastructure;

namespace Respond.Server.Tests.Hosting;

/// <summary>
/// The API reference works air-gapped: its page names no other host (no CDN fonts, no hosted AI agent, no deploy or
/// client buttons), the document is titled Respond, and every operation sits in a named group.
/// </summary>
public partial class ApiReferenceTests(RespondApp app) : IClassFixture<RespondApp>
{
    [Fact]
    public async Task The_document_is_titled_respond_and_every_operation_has_a_tag()
    {
        var doc = await (await app.Anonymous().GetAsync("/openapi/v1.json")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("Respond", doc["info"]!["title"]!.GetValue<string>());
        Assert.False(string.IsNullOrWhiteSpace(doc["info"]!["description"]?.GetValue<string>()));
        var untagged = new List<string>();
        var operations = 0;
        foreach (var (path, item) in doc["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject().Where(o => o.Value is JsonObject { } op && op.ContainsKey("responses")))
            {
                operations++;
                if (operation!["tags"] is not JsonArray { Count: > 0 } tags || tags.Any(t => string.IsNullOrWhiteSpace(t?.GetValue<string>())))
                {
                    untagged.Add($"{method.ToUpperInvariant()} {path}");
                }
            }
        }

        Assert.True(operations > 30, $"only {operations} operations");
        Assert.Empty(untagged);
        var tagNames = doc["paths"]!.AsObject().SelectMany(p => p.Value!.AsObject())
            .SelectMany(o => o.Value?["tags"]?.AsArray() ?? []).Select(t => t!.GetValue<string>()).ToHashSet();
        var defaults = doc["paths"]!.AsObject().SelectMany(p => p.Value!.AsObject()
            .Where(o => o.Value?["tags"]?.AsArray().Any(t => t!.GetValue<string>() == "Respond.Server") == true)
            .Select(o => $"{o.Key} {p.Key}")).ToList();
        Assert.True(defaults.Count == 0, "In the unnamed default group: " + string.Join(", ", defaults));
        Assert.Contains("Live events", tagNames);
    }

    [Fact]
    public async Task The_reference_page_names_no_other_host_and_offers_no_agent_deploy_or_client_button()
    {
        var response = await app.Anonymous().GetAsync("/openapi/v1");
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);

        var absolute = AbsoluteUrl().Matches(html).Select(m => m.Value).ToList();
        Assert.True(absolute.Count == 0, "The page names other hosts: " + string.Join(", ", absolute) + "\n" + html);
        var scripts = ScriptSource().Matches(html).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(scripts);
        foreach (var script in scripts)
        {
            Assert.False(script.StartsWith("//", StringComparison.Ordinal), script);
            var served = await app.Anonymous().GetAsync(new Uri(new Uri("http://localhost/openapi/v1"), script).PathAndQuery);
            Assert.Equal(HttpStatusCode.OK, served.StatusCode); // the script is served here, not fetched from a CDN
        }

        var config = Compact(html);
        Assert.Contains("\"withDefaultFonts\":false", config, StringComparison.Ordinal);
        Assert.Contains("\"hideClientButton\":true", config, StringComparison.Ordinal);
        Assert.Contains("\"showDeveloperTools\":\"never\"", config, StringComparison.Ordinal);
        Assert.Matches("\"agent\":\\{[^}]*\"disabled\":true", config);
        Assert.Matches("\"mcp\":\\{[^}]*\"disabled\":true", config);
        Assert.Contains("\"telemetry\":false", config, StringComparison.Ordinal);
        Assert.DoesNotContain("Ask AI", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("agentKey", config, StringComparison.Ordinal);
    }

    private static string Compact(string text) => Whitespace().Replace(text, "");

    // Any scheme-qualified or protocol-relative URL: http://, https://, ws(s)://, and //host in src or href.
    [GeneratedRegex(@"(?:https?|wss?):\/\/[^\s""'<>)]+|(?:src|href)\s*=\s*[""']\/\/[^""']+", RegexOptions.IgnoreCase)]
    private static partial Regex AbsoluteUrl();

    [GeneratedRegex(@"<script[^>]*\ssrc\s*=\s*[""']([^""']+)[""']", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptSource();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
