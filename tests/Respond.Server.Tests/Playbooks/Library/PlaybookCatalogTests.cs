using System.Net;
using System.Text.Json.Nodes;
using Marten;
using Microsoft.Extensions.Configuration;
using Respond.Server.Playbooks.Library;
using Respond.Server.Tests.Infrastructure;

namespace Respond.Server.Tests.Playbooks.Library;

public class CatalogApp : LibraryApp
{
    protected override IDictionary<string, string?> ExtraSettings
    {
        get
        {
            var settings = base.ExtraSettings;
            settings["Respond:Playbooks:Vars:with-vars:threshold"] = "90";
            settings["Respond:Playbooks:Vars:with-vars:CHANNEL"] = "#ops";
            settings["Respond:Playbooks:Vars:with-vars:code"] = "007";
            settings["Respond:Playbooks:Vars:with-vars:enabled"] = "false";
            settings["Respond:Playbooks:Vars:with-vars:ratio"] = "0.5";
            settings["Respond:Playbooks:Vars:with-vars:hosts:0"] = "vm-01";
            settings["Respond:Playbooks:Vars:with-vars:hosts:1"] = "vm-02";
            return settings;
        }
    }
}

public class PlaybookCatalogTests(CatalogApp app) : IClassFixture<CatalogApp>
{
    private readonly HttpClient author = app.As("author");

    private IPlaybookCatalog Catalog => app.Service<IPlaybookCatalog>();

    [Fact]
    public async Task A_local_publish_is_seen_by_the_triggers_at_once()
    {
        var playbook = LibraryPlaybooks.Example("on-correlation");
        playbook["trigger"] = new JsonObject { ["on"] = "alert.correlated" };

        await (await author.PostJsonAsync("/api/playbooks/on-correlation/publish", playbook)).JsonAsync(HttpStatusCode.Created);

        Assert.True(Catalog.AnyTriggeredBy("alert.correlated"));
        // The index is fresh after the publish, so a trigger nothing listens to is a precise no.
        Assert.False(Catalog.AnyTriggeredBy("schedule"));
        var triggered = Assert.Single(await Catalog.TriggeredByAsync("alert.correlated", default), p => p.Id == "on-correlation");
        Assert.Equal(1, triggered.Version);
        Assert.Equal("alert.correlated", triggered.Definition.Trigger.On);
        Assert.DoesNotContain(await Catalog.TriggeredByAsync("incident.severity-changed", default), p => p.Id == "on-correlation");
    }

    [Fact]
    public async Task A_publish_by_another_server_is_seen_within_the_refresh_interval()
    {
        // Written straight to the store, as another process would, so this process's catalog is not told.
        var store = app.Service<IDocumentStore>();
        var definition = LibraryPlaybooks.Example("elsewhere");
        definition["trigger"] = new JsonObject { ["on"] = "incident.severity-changed" };
        await using (var session = store.LightweightSession())
        {
            var parsed = Respond.Domain.Playbooks.Definitions.PlaybookJson.Parse(definition.ToJsonString());
            session.Insert(new PlaybookVersionRecord
            {
                Id = PlaybookVersionRecord.IdOf("elsewhere", 1),
                PlaybookId = "elsewhere",
                Version = 1,
                Definition = definition,
                ContentHash = ContentHash.Of(definition),
                PublishedAt = DateTimeOffset.UtcNow,
                PublishedBy = "other",
                Source = "api",
            });
            session.Insert(new PlaybookHead { Id = "elsewhere", LatestVersion = 1, UpdatedAt = DateTimeOffset.UtcNow }.Describing(parsed));
            await session.SaveChangesAsync();
        }

        var started = DateTime.UtcNow;
        await Poll.UntilAsync(() => Catalog.TriggeredByAsync("incident.severity-changed", default),
            found => found.Any(p => p.Id == "elsewhere"), TimeSpan.FromSeconds(10), "the catalog to see the other server's publish");
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5), "seen within the 2 s refresh (plus slack)");
        await Poll.UntilAsync(() => Task.FromResult(Catalog.AnyTriggeredBy("incident.severity-changed")), any => any,
            TimeSpan.FromSeconds(5), "AnyTriggeredBy to see it");
    }

    [Fact]
    public async Task Versions_are_read_once_and_kept()
    {
        await (await author.PostJsonAsync("/api/playbooks/kept/publish", LibraryPlaybooks.Example("kept"))).JsonAsync(HttpStatusCode.Created);

        var first = await Catalog.GetAsync("kept", 1, default);
        var second = await Catalog.GetAsync("kept", 1, default);
        var latest = await Catalog.LatestAsync("kept", default);

        Assert.NotNull(first);
        Assert.Same(first, second);
        Assert.Same(first, latest);
        Assert.Null(await Catalog.GetAsync("kept", 2, default));
        Assert.Null(await Catalog.LatestAsync("never-published", default));
    }

    [Fact]
    public async Task Vars_are_the_defaults_overlaid_with_settings()
    {
        var playbook = LibraryPlaybooks.Example("with-vars");
        playbook["vars"] = new JsonObject { ["threshold"] = 70, ["channel"] = "#soc", ["code"] = "001", ["keep"] = "me" };
        await (await author.PostJsonAsync("/api/playbooks/with-vars/publish", playbook)).JsonAsync(HttpStatusCode.Created);

        var vars = Catalog.VarsFor((await Catalog.LatestAsync("with-vars", default))!);

        Assert.Equal(90, vars["threshold"]!.GetValue<long>());
        Assert.Equal("#ops", vars["channel"]!.GetValue<string>());
        Assert.Equal("channel", Assert.Single(vars, v => v.Key.Equals("channel", StringComparison.OrdinalIgnoreCase)).Key);
        Assert.Equal("007", vars["code"]!.GetValue<string>());
        Assert.False(vars["enabled"]!.GetValue<bool>());
        Assert.Equal(0.5, vars["ratio"]!.GetValue<double>());
        Assert.Equal(["vm-01", "vm-02"], vars["hosts"]!.AsArray().Select(h => h!.GetValue<string>()));
        Assert.Equal("me", vars["keep"]!.GetValue<string>());
    }

    [Fact]
    public async Task Vars_follow_a_settings_reload_and_each_caller_gets_its_own_copy()
    {
        var playbook = LibraryPlaybooks.Example("reloaded-vars");
        playbook["vars"] = new JsonObject { ["threshold"] = 70 };
        await (await author.PostJsonAsync("/api/playbooks/reloaded-vars/publish", playbook)).JsonAsync(HttpStatusCode.Created);
        var published = (await Catalog.LatestAsync("reloaded-vars", default))!;

        var first = Catalog.VarsFor(published);
        first["threshold"] = 1;
        Assert.Equal(70, Catalog.VarsFor(published)["threshold"]!.GetValue<int>());

        var configuration = (IConfigurationRoot)app.Service<IConfiguration>();
        configuration["Respond:Playbooks:Vars:reloaded-vars:threshold"] = "95";
        configuration.Reload();

        Assert.Equal(95, Catalog.VarsFor(published)["threshold"]!.GetValue<long>());
    }
}
