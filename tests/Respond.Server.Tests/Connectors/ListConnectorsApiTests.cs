using System.Net;
using Respond.Server.Tests.Infrastructure;

namespace Respond.Server.Tests.Connectors;

/// <summary>The real server, configured with connectors whose settings hold secrets.</summary>
public sealed class ConnectorsApp : RespondApp
{
    public static readonly string[] SettingValues =
    [
        "https://hooks.slack.com/services/T0001/B0001/listSecret0123456789",
        "list-client-secret-0123456789abcdef",
        "list-firewall-token-0123456789abcdef",
        "https://fw.internal.example",
        "list-tenant-0123456789",
    ];

    protected override IDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        ["Respond:Connectors:chat:Kind"] = "slack",
        ["Respond:Connectors:chat:WebhookUrl"] = SettingValues[0],
        ["Respond:Connectors:mde:Kind"] = "defender-endpoint",
        ["Respond:Connectors:mde:TenantId"] = SettingValues[4],
        ["Respond:Connectors:mde:ClientId"] = "list-client-id",
        ["Respond:Connectors:mde:ClientSecret"] = SettingValues[1],
        ["Respond:Connectors:firewall:Kind"] = "firewall",
        ["Respond:Connectors:firewall:BaseUrl"] = SettingValues[3],
        ["Respond:Connectors:firewall:Token"] = SettingValues[2],
    };
}

public class ListConnectorsApiTests(ConnectorsApp app) : IClassFixture<ConnectorsApp>
{
    [Fact]
    public async Task A_viewer_sees_each_connector_with_its_operations_and_input_schemas_and_no_setting()
    {
        var response = await app.As("viewer").GetAsync("/api/connectors");
        var text = await response.Content.ReadAsStringAsync();
        var body = await response.JsonAsync(HttpStatusCode.OK);

        var items = body["items"]!.AsArray();
        Assert.Equal(["chat", "firewall", "mde"], items.Select(i => i!["name"]!.GetValue<string>()));
        Assert.Equal(["slack", "firewall", "defender-endpoint"], items.Select(i => i!["kind"]!.GetValue<string>()));

        var mde = items[2]!["operations"]!.AsArray();
        Assert.Equal(["isolate-machine", "release-machine"], mde.Select(o => o!["name"]!.GetValue<string>()));
        var isolate = mde[0]!;
        Assert.False(string.IsNullOrWhiteSpace(isolate["description"]!.GetValue<string>()));
        Assert.Equal("object", isolate["inputSchema"]!["type"]!.GetValue<string>());
        Assert.Equal(["machineId", "comment"], isolate["inputSchema"]!["required"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Equal("string", isolate["inputSchema"]!["properties"]!["machineId"]!["type"]!.GetValue<string>());

        Assert.All(ConnectorsApp.SettingValues, value => Assert.DoesNotContain(value, text, StringComparison.Ordinal));
        Assert.DoesNotContain("list-client-id", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_user_it_is_401_and_without_a_role_403()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Anonymous().GetAsync("/api/connectors")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.As("norole").GetAsync("/api/connectors")).StatusCode);
    }
}
