using System.Net;
using System.Text.Json.Nodes;
using Respond.Server.Tests.Infrastructure;

namespace Respond.Server.Tests.Playbooks.Library;

/// <summary>A server on a given database and playbooks folder, so several can share them (restarts, two servers).</summary>
public sealed class FileLoadingHost(string connectionString, string folder) : RespondApp
{
    protected override IDictionary<string, string?> ExtraSettings
    {
        get
        {
            var settings = LibrarySettings.For(folder);
            settings["ConnectionStrings:Respond"] = connectionString;
            return settings;
        }
    }

    public override Task InitializeAsync()
    {
        _ = Server; // the file loader runs as the host starts
        return Task.CompletedTask;
    }
}

public sealed class PlaybookFileLoaderTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("respond-playbook-files-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private void Write(string relativePath, JsonNode content) => Write(relativePath, content.ToJsonString());

    private void Write(string relativePath, string text)
    {
        var path = Path.Combine(folder, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    private static JsonObject Runbook() => JsonNode.Parse("""
        {
          "$schema": "../playbook.schema.json",
          "id": "nightly-containment-drill",
          "name": "Nightly containment drill",
          "phase": "preparation",
          "trigger": { "on": "schedule", "cron": "0 2 * * *", "timeZone": "Europe/Amsterdam" },
          "steps": [
            { "id": "drill", "type": "playbook", "playbook": "contain-brute-force", "next": "done" },
            { "id": "done", "type": "end" }
          ]
        }
        """)!.AsObject();

    private static async Task<JsonNode> VersionsAsync(RespondApp host, string id)
    {
        var response = await host.As("viewer").GetAsync($"/api/playbooks/{id}/versions");
        return response.StatusCode == HttpStatusCode.NotFound ? new JsonObject { ["total"] = 0 } : await response.JsonAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Files_are_published_at_start_and_a_changed_file_once_more_on_the_next_start()
    {
        var database = await TestPostgres.CreateDatabaseAsync("library_files");
        Write("contain-brute-force.json", LibraryPlaybooks.Example("contain-brute-force"));
        Write("runbooks/nightly-containment-drill.json", Runbook());
        var broken = LibraryPlaybooks.Example("broken");
        broken.Step("notify")["connector"] = "pager";
        broken.Step("block")["retry"] = new JsonObject { ["maxAttempts"] = 0 };
        Write("broken.json", broken);
        Write("misnamed.json", LibraryPlaybooks.Example("something-else"));
        Write("playbook.schema.json", """{ "not": "a playbook" }""");
        Write("README.json.txt", "ignored");

        await using (var first = new FileLoadingHost(database, folder))
        {
            await first.InitializeAsync();

            var versions = await VersionsAsync(first, "contain-brute-force");
            Assert.Equal(1, versions["total"]!.GetValue<int>());
            Assert.Equal("file", versions["items"]![0]!["source"]!.GetValue<string>());
            Assert.Equal("file:contain-brute-force.json", versions["items"]![0]!["publishedBy"]!.GetValue<string>());
            var runbook = await VersionsAsync(first, "nightly-containment-drill");
            Assert.Equal("file:runbooks/nightly-containment-drill.json", runbook["items"]![0]!["publishedBy"]!.GetValue<string>());

            Assert.Equal(0, (await VersionsAsync(first, "broken"))["total"]!.GetValue<int>());
            Assert.Equal(0, (await VersionsAsync(first, "something-else"))["total"]!.GetValue<int>());
            var brokenLog = Assert.Single(first.Logs.Lines,
                l => l.StartsWith("Error", StringComparison.Ordinal) && l.Contains("broken.json", StringComparison.Ordinal));
            Assert.Contains("notify: ", brokenLog, StringComparison.Ordinal);
            Assert.Contains("block: ", brokenLog, StringComparison.Ordinal);
            Assert.Contains(first.Logs.Lines,
                l => l.StartsWith("Error", StringComparison.Ordinal) && l.Contains("misnamed.json", StringComparison.Ordinal));
            Assert.True((await first.As("viewer").GetAsync("/health/live")).IsSuccessStatusCode);
        }

        Write("contain-brute-force.json", LibraryPlaybooks.Example("contain-brute-force", "Contain brute-force sign-in, v2"));
        await using (var second = new FileLoadingHost(database, folder))
        {
            await second.InitializeAsync();

            var changed = await VersionsAsync(second, "contain-brute-force");
            Assert.Equal(2, changed["total"]!.GetValue<int>());
            Assert.Equal(1, (await VersionsAsync(second, "nightly-containment-drill"))["total"]!.GetValue<int>());
            var latest = await (await second.As("viewer").GetAsync("/api/playbooks/contain-brute-force")).JsonAsync(HttpStatusCode.OK);
            Assert.Equal("Contain brute-force sign-in, v2", latest["definition"]!["name"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task A_file_needing_a_connector_nobody_configured_waits_with_a_warning_not_an_error()
    {
        var database = await TestPostgres.CreateDatabaseAsync("library_files_missing_connector");
        var playbook = LibraryPlaybooks.Example("contain-brute-force");
        playbook.Step("notify")["connector"] = "pager";
        Write("contain-brute-force.json", playbook);

        await using var host = new FileLoadingHost(database, folder);
        await host.InitializeAsync();

        Assert.Equal(0, (await VersionsAsync(host, "contain-brute-force"))["total"]!.GetValue<int>());
        var line = Assert.Single(host.Logs.Lines, l => l.Contains("contain-brute-force.json", StringComparison.Ordinal));
        Assert.StartsWith("Warning", line, StringComparison.Ordinal);
        Assert.Contains("No connector 'pager' is configured", line, StringComparison.Ordinal);
        Assert.Contains("playbooks/README.md", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_calling_an_invalid_file_is_not_published_either()
    {
        var database = await TestPostgres.CreateDatabaseAsync("library_files_chain");
        var callee = LibraryPlaybooks.Example("contain-brute-force");
        callee.Step("notify")["connector"] = "pager";
        Write("contain-brute-force.json", callee);
        Write("nightly-containment-drill.json", Runbook());

        await using var host = new FileLoadingHost(database, folder);
        await host.InitializeAsync();

        Assert.Equal(0, (await VersionsAsync(host, "nightly-containment-drill"))["total"]!.GetValue<int>());
        Assert.Contains(host.Logs.Lines, l => l.Contains("nightly-containment-drill.json", StringComparison.Ordinal)
            && l.Contains("No playbook 'contain-brute-force' exists", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Two_servers_starting_together_publish_each_file_once()
    {
        var database = await TestPostgres.CreateDatabaseAsync("library_files_twins");
        Write("contain-brute-force.json", LibraryPlaybooks.Example("contain-brute-force"));
        Write("runbooks/nightly-containment-drill.json", Runbook());

        await using var one = new FileLoadingHost(database, folder);
        await using var two = new FileLoadingHost(database, folder);
        await Task.WhenAll(Task.Run(one.InitializeAsync), Task.Run(two.InitializeAsync));

        Assert.Equal(1, (await VersionsAsync(one, "contain-brute-force"))["total"]!.GetValue<int>());
        Assert.Equal(1, (await VersionsAsync(two, "nightly-containment-drill"))["total"]!.GetValue<int>());
    }
}
