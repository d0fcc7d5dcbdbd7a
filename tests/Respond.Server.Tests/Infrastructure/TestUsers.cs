namespace Respond.Server.Tests.Infrastructure;

/// <summary>The users and sources every test server is configured with.</summary>
public static class TestUsers
{
    public const string ViewerKey = "viewer-key-0123456789abcdef";
    public const string ResponderKey = "responder-key-0123456789abcdef";
    public const string ApproverKey = "approver-key-0123456789abcdef";
    public const string AuthorKey = "author-key-0123456789abcdef";
    public const string AdminKey = "admin-key-0123456789abcdef";
    public const string NoRoleKey = "norole-key-0123456789abcdef";

    public const string SourceToken = "source-token-0123456789abcdef";
    public const string SigningSecret = "signing-secret-0123456789abcdef";

    public static readonly IReadOnlyDictionary<string, string> Keys = new Dictionary<string, string>
    {
        ["viewer"] = ViewerKey,
        ["responder"] = ResponderKey,
        ["approver"] = ApproverKey,
        ["author"] = AuthorKey,
        ["admin"] = AdminKey,
        ["norole"] = NoRoleKey,
    };

    public static Dictionary<string, string?> Settings(string connectionString)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Respond"] = connectionString,
            ["Respond:Hangfire:Workers"] = "1",
            // Test servers load only the playbooks a test gives them, not the repository's library.
            ["Respond:Playbooks:Path"] = Path.Combine(Path.GetTempPath(), "respond-tests-no-playbooks"),
            ["Respond:Users:norole:ApiKey"] = NoRoleKey,
            // Every test client shares one address: failure budgets are exercised by the tests that set them low.
            ["Respond:Auth:KeyFailuresPerMinute"] = "100000",
            ["Respond:Auth:WebhookFailuresPerMinute"] = "100000",
        };
        foreach (var role in new[] { "viewer", "responder", "approver", "author", "admin" })
        {
            settings[$"Respond:Users:{role}:ApiKey"] = Keys[role];
            settings[$"Respond:Users:{role}:Roles:0"] = role;
        }

        foreach (var kind in new[] { "azure-monitor", "defender", "alertmanager", "grafana", "generic" })
        {
            settings[$"Respond:Sources:{kind}:Kind"] = kind;
            settings[$"Respond:Sources:{kind}:Token"] = SourceToken;
            settings[$"Respond:Sources:{kind}:SigningSecret"] = SigningSecret;
            settings[$"Respond:Sources:{kind}:RateLimit:PermitsPerSecond"] = "10000";
            settings[$"Respond:Sources:{kind}:RateLimit:Burst"] = "10000";
        }

        settings["Respond:Sources:generic:Mapping:Title"] = "$.title";
        settings["Respond:Sources:generic:Mapping:Severity"] = "$.severity";
        settings["Respond:Sources:generic:Mapping:Fingerprint"] = "$.id";
        settings["Respond:Sources:generic:Mapping:Category"] = "$.category";
        settings["Respond:Sources:generic:Mapping:Status"] = "$.status";
        settings["Respond:Sources:generic:Mapping:Entities:Ips"] = "$.entities[*].ip";
        settings["Respond:Sources:generic:Mapping:Entities:Hosts"] = "$.entities[*].host";
        settings["Respond:Sources:generic:Mapping:Entities:Accounts"] = "$.entities[*].account";

        // A deliberately tight source for the 429 test.
        settings["Respond:Sources:tight:Kind"] = "generic";
        settings["Respond:Sources:tight:Token"] = SourceToken;
        settings["Respond:Sources:tight:RateLimit:PermitsPerSecond"] = "1";
        settings["Respond:Sources:tight:RateLimit:Burst"] = "2";
        settings["Respond:Sources:tight:Mapping:Title"] = "$.title";
        settings["Respond:Sources:tight:Mapping:Fingerprint"] = "$.id";
        return settings;
    }
}
