using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Respond.Server.Tests.Infrastructure;

namespace Respond.Server.Tests.Playbooks.Library;

/// <summary>
/// A server with the connectors the SPEC example uses (chat: slack, firewall: firewall; neither is ever
/// called) and its own, initially empty, playbooks folder.
/// </summary>
public class LibraryApp : RespondApp
{
    public string PlaybookFolder { get; } = Directory.CreateTempSubdirectory("respond-playbooks-").FullName;

    protected override IDictionary<string, string?> ExtraSettings => LibrarySettings.For(PlaybookFolder);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(PlaybookFolder, recursive: true);
        GC.SuppressFinalize(this);
    }
}

public static class LibrarySettings
{
    public static Dictionary<string, string?> For(string playbookFolder) => new()
    {
        ["Respond:Playbooks:Path"] = playbookFolder,
        ["Respond:Connectors:chat:Kind"] = "slack",
        ["Respond:Connectors:chat:WebhookUrl"] = "http://127.0.0.1:9/hook",
        ["Respond:Connectors:firewall:Kind"] = "firewall",
        ["Respond:Connectors:firewall:BaseUrl"] = "http://127.0.0.1:9",
        ["Respond:Connectors:firewall:Token"] = "x",
        ["Respond:Connectors:api:Kind"] = "http",
        ["Respond:Connectors:api:BaseUrl"] = "http://127.0.0.1:9",
    };
}

/// <summary>The SPEC §4 example under any id, as a JSON object tests can bend.</summary>
public static class LibraryPlaybooks
{
    public static JsonObject Example(string id, string? name = null)
    {
        var playbook = JsonNode.Parse("""
            {
              "id": "contain-brute-force",
              "name": "Contain brute-force sign-in",
              "trigger": { "on": "incident.opened", "when": "alerts.some(a => a.category == 'BruteForce')" },
              "steps": [
                { "id": "notify", "type": "action", "connector": "chat", "operation": "post",
                  "input": { "text": "New incident {{ incident.title }}" }, "next": "approve" },
                { "id": "approve", "type": "approval", "approvers": { "roles": ["approver"] },
                  "timeout": "PT30M", "next": { "approved": "block", "rejected": "done", "expired": "done" } },
                { "id": "block", "type": "action", "connector": "firewall", "operation": "block-ip",
                  "input": { "ip": "{{ incident.entities.ips[0] }}" },
                  "retry": { "maxAttempts": 5, "delay": "PT2S" }, "next": "contained" },
                { "id": "contained", "type": "incident", "status": "contained", "next": "done" },
                { "id": "done", "type": "end" }
              ]
            }
            """)!.AsObject();
        playbook["id"] = id;
        if (name is not null)
        {
            playbook["name"] = name;
        }

        return playbook;
    }

    public static JsonObject Step(this JsonObject playbook, string stepId) =>
        playbook["steps"]!.AsArray().Single(s => s!["id"]!.GetValue<string>() == stepId)!.AsObject();

    public static Task<HttpResponseMessage> PutJsonAsync(this HttpClient client, string url, JsonNode body) =>
        client.PutAsync(url, JsonContent.Create(body));
}
