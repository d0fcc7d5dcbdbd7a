using System.Globalization;
using System.Text.Json.Nodes;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Respond.Server.Tests.Connectors;

public sealed class AzureBackupConnectorTests : IDisposable
{
    private const string Vault = "/subscriptions/sub-0001/resourceGroups/rg-backup/providers/Microsoft.RecoveryServices/vaults/vault-1";
    private const string Item = Vault + "/backupFabrics/Azure/protectionContainers/IaasVMContainer;iaasvmcontainerv2;rg-app;vm-app"
        + "/protectedItems/VM;iaasvmcontainerv2;rg-app;vm-app";
    private const string Vm = "/subscriptions/sub-0001/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/vm-app";
    private const string TargetGroup = "/subscriptions/sub-0001/resourceGroups/rg-restore";
    private const string Storage = TargetGroup + "/providers/Microsoft.Storage/storageAccounts/ststaging";
    private const string Network = TargetGroup + "/providers/Microsoft.Network/virtualNetworks/vnet-restore";

    private readonly WireMockServer arm = WireMockServer.Start();
    private readonly WireMockServer elsewhere = WireMockServer.Start();
    private readonly Dictionary<string, string?> settings;
    private ConnectorHarness? harness;

    public AzureBackupConnectorTests()
    {
        FakeTokenEndpoint.Serve(arm);
        settings = FakeTokenEndpoint.Settings("backup", "azure-backup", arm);
        foreach (var (key, value) in new Dictionary<string, string>
        {
            ["SubscriptionId"] = "sub-0001",
            ["ResourceGroup"] = "rg-backup",
            ["VaultName"] = "vault-1",
            ["ContainerName"] = "IaasVMContainer;iaasvmcontainerv2;rg-app;vm-app",
            ["ProtectedItemName"] = "VM;iaasvmcontainerv2;rg-app;vm-app",
            ["MaxAge"] = "P1D",
            ["PollInterval"] = "PT0.05S",
            ["Region"] = "westeurope",
            ["StorageAccountId"] = Storage,
            ["TargetResourceGroupId"] = TargetGroup,
            ["VirtualNetworkId"] = Network,
            ["SubnetId"] = Network + "/subnets/default",
            ["TargetVirtualMachineName"] = "vm-app-verify",
        })
        {
            settings[$"Respond:Connectors:backup:{key}"] = value;
        }

        arm.Given(Request.Create().WithPath(Item).UsingGet()).RespondWith(Response.Create().WithStatusCode(200)
            .WithHeader("Content-Type", FakeArmOperations.Json)
            .WithBodyAsJson(new { name = "VM;iaasvmcontainerv2;rg-app;vm-app", properties = new { sourceResourceId = Vm, workloadType = "VM" } }));
    }

    private ConnectorHarness Harness => harness ??= new ConnectorHarness(settings);

    [Fact]
    public async Task Verify_restores_the_newest_recovery_point_to_the_alternate_location_and_waits_for_the_job()
    {
        var newest = DateTimeOffset.UtcNow.AddHours(-1);
        ServeRecoveryPoints(("111", newest.AddDays(-1)), ("222", newest), ("000", newest.AddDays(-2)));
        AcceptRestore("222");
        ServeJob("job-1", "InProgress", "Completed");

        var output = await Harness.InvokeAsync("backup", "verify", new { tables = Array.Empty<string>(), queries = new { }, minRows = 0 });

        Assert.Equal("222", output!["recoveryPointId"]!.GetValue<string>());
        Assert.Equal(newest, DateTimeOffset.Parse(output["recoveryPointTime"]!.GetValue<string>(), CultureInfo.InvariantCulture));
        Assert.InRange(output["backupAgeSeconds"]!.GetValue<double>(), 3590, 3700);
        Assert.Equal(86400, output["maxAgeSeconds"]!.GetValue<double>());
        Assert.Equal("job-1", output["jobId"]!.GetValue<string>());
        Assert.Equal("Completed", output["status"]!.GetValue<string>());
        Assert.True(output["restoreSeconds"]!.GetValue<double>() > 0);
        Assert.Empty(output["checks"]!.AsArray());
        Assert.True(output["passed"]!.GetValue<bool>());

        var list = Assert.Single(arm.To("GET", Item + "/recoveryPoints"));
        Assert.Equal("2026-02-01", list.ApiVersion());
        Assert.Equal("Bearer token-1", list.Header("Authorization"));
        var restore = Assert.Single(arm.To("POST", Item + "/recoveryPoints/222/restore"));
        Assert.Equal("2026-02-01", restore.ApiVersion());
        Assert.Equal("Bearer token-1", restore.Header("Authorization"));
        var expected = JsonNode.Parse($$"""
            {"properties":{"objectType":"IaasVMRestoreRequest","recoveryPointId":"222","recoveryType":"AlternateLocation",
             "sourceResourceId":"{{Vm}}","region":"westeurope","storageAccountId":"{{Storage}}","targetResourceGroupId":"{{TargetGroup}}",
             "originalStorageAccountOption":false,"createNewCloudService":false,"encryptionDetails":{"encryptionEnabled":false},
             "virtualNetworkId":"{{Network}}","subnetId":"{{Network}}/subnets/default",
             "targetVirtualMachineId":"{{TargetGroup}}/providers/Microsoft.Compute/virtualMachines/vm-app-verify"} }
            """);
        Assert.True(JsonNode.DeepEquals(expected, restore.JsonBody()), restore.Body);
        Assert.Equal(2, arm.To("GET", Item + "/operationsStatus/op-1").Count);
        Assert.Equal(2, arm.To("GET", Vault + "/backupJobs/job-1").Count);
        Assert.All(arm.ApiRequests(), r => Assert.Equal("Bearer token-1", r.Header("Authorization")));
    }

    [Fact]
    public async Task RestoreDisks_needs_no_network_and_a_configured_SourceResourceId_spares_reading_the_item()
    {
        settings["Respond:Connectors:backup:RecoveryType"] = "RestoreDisks";
        settings["Respond:Connectors:backup:SourceResourceId"] = Vm + "-configured";
        settings.Remove("Respond:Connectors:backup:VirtualNetworkId");
        settings.Remove("Respond:Connectors:backup:SubnetId");
        ServeRecoveryPoints(("222", DateTimeOffset.UtcNow.AddHours(-1)));
        AcceptRestore("222");
        ServeJob("job-1", "CompletedWithWarnings");

        var output = await Harness.InvokeAsync("backup", "verify", new { });

        Assert.Equal("CompletedWithWarnings", output!["status"]!.GetValue<string>());
        var properties = Assert.Single(arm.To("POST", Item + "/recoveryPoints/222/restore")).JsonBody()!["properties"]!.AsObject();
        Assert.Equal("RestoreDisks", properties["recoveryType"]!.GetValue<string>());
        Assert.Equal(Vm + "-configured", properties["sourceResourceId"]!.GetValue<string>());
        Assert.False(properties.ContainsKey("virtualNetworkId"));
        Assert.False(properties.ContainsKey("targetVirtualMachineId"));
        Assert.Empty(arm.To("GET", Item));
    }

    [Fact]
    public async Task Without_a_VM_name_each_run_restores_to_its_own_name_that_a_retried_attempt_keeps()
    {
        settings.Remove("Respond:Connectors:backup:TargetVirtualMachineName");
        ServeRecoveryPoints(("222", DateTimeOffset.UtcNow.AddHours(-1)));
        AcceptRestore("222");
        ServeJob("job-1", "Completed");

        await Harness.Connectors.InvokeAsync("backup", "verify", [], "run-1:verify", null, CancellationToken.None);
        await Harness.Connectors.InvokeAsync("backup", "verify", [], "run-1:verify", null, CancellationToken.None);
        await Harness.Connectors.InvokeAsync("backup", "verify", [], "run-2:verify", null, CancellationToken.None);

        var names = arm.To("POST", Item + "/recoveryPoints/222/restore")
            .Select(r => r.JsonBody()!["properties"]!["targetVirtualMachineId"]!.GetValue<string>().Split('/')[^1]).ToList();
        Assert.All(names, n => Assert.Matches("^respond-verify-[0-9a-f]{8}$", n));
        Assert.Equal(names[0], names[1]);
        Assert.NotEqual(names[0], names[2]);
    }

    [Fact]
    public async Task A_failed_restore_job_fails_the_step_with_the_jobs_error_in_words_and_keeps_the_figures()
    {
        ServeRecoveryPoints(("222", DateTimeOffset.UtcNow.AddHours(-2)));
        AcceptRestore("222");
        ServeJob("job-1", "InProgress", """
            {"errorDetails":[{"errorCode":400101,"errorString":"The staging storage account is in another region than the vault.",
              "errorTitle":"","recommendations":["Use a storage account in westeurope."]}]}
            """);

        var failure = await Harness.FailsAsync("backup", "verify", new { });

        Assert.False(failure.Retryable);
        Assert.Contains("job-1 ended Failed", failure.Message, StringComparison.Ordinal);
        Assert.Contains("The staging storage account is in another region than the vault (code 400101)", failure.Message.Replace(".", ""),
            StringComparison.Ordinal);
        Assert.Contains("Recommended: Use a storage account in westeurope.", failure.Message, StringComparison.Ordinal);
        Assert.Equal("job-1", failure.Output!["jobId"]!.GetValue<string>());
        Assert.Equal("Failed", failure.Output["status"]!.GetValue<string>());
        Assert.InRange(failure.Output["backupAgeSeconds"]!.GetValue<double>(), 7190, 7300);
        Assert.False(failure.Output["passed"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_restore_operation_that_fails_before_any_job_fails_with_ARMs_error()
    {
        ServeRecoveryPoints(("222", DateTimeOffset.UtcNow.AddHours(-1)));
        arm.Accepts(Item + "/recoveryPoints/222/restore", $"{arm.Url}{Item}/operationsStatus/op-1?api-version=2026-02-01", null);
        arm.AnswersInTurn(Item + "/operationsStatus/op-1", """{"id":"op-1","status":"InProgress"}""",
            """{"id":"op-1","status":"Failed","error":{"code":"UserErrorVmNameAlreadyInUse","message":"A VM named vm-app-verify exists."}}""");

        var failure = await Harness.FailsAsync("backup", "verify", new { });

        Assert.Contains("the operation ended Failed: UserErrorVmNameAlreadyInUse: A VM named vm-app-verify exists.", failure.Message,
            StringComparison.Ordinal);
        Assert.Empty(arm.To("GET", Vault + "/backupJobs/job-1"));
    }

    [Fact]
    public async Task A_newest_recovery_point_older_than_MaxAge_fails_with_its_age_and_starts_no_restore()
    {
        ServeRecoveryPoints(("111", DateTimeOffset.UtcNow.AddDays(-4)), ("222", DateTimeOffset.UtcNow.AddDays(-3)));
        AcceptRestore("222");

        var failure = await Harness.FailsAsync("backup", "verify", new { });

        Assert.False(failure.Retryable);
        Assert.Contains("newest recovery point (222", failure.Message, StringComparison.Ordinal);
        Assert.Contains("older than MaxAge P1D (86400 s); no restore was started", failure.Message, StringComparison.Ordinal);
        Assert.InRange(failure.Output!["backupAgeSeconds"]!.GetValue<double>(), 259190, 259300);
        Assert.Equal(86400, failure.Output["maxAgeSeconds"]!.GetValue<double>());
        Assert.False(failure.Output["passed"]!.GetValue<bool>());
        Assert.DoesNotContain(arm.ApiRequests(), r => r.Method == "POST");
    }

    [Fact]
    public async Task A_protected_item_without_any_recovery_point_fails_in_words()
    {
        ServeRecoveryPoints();

        var failure = await Harness.FailsAsync("backup", "verify", new { });

        Assert.Contains("has no recovery point, so there is no backup to verify", failure.Message, StringComparison.Ordinal);
        Assert.Null(failure.Output!["recoveryPointId"]);
        Assert.False(failure.Output["passed"]!.GetValue<bool>());
        Assert.DoesNotContain(arm.ApiRequests(), r => r.Method == "POST");
    }

    [Fact]
    public async Task A_Location_pointing_at_another_host_is_refused_and_never_called()
    {
        ServeRecoveryPoints(("222", DateTimeOffset.UtcNow.AddHours(-1)));
        var foreign = $"http://localhost:{elsewhere.Port}{Item}/operationResults/op-1?api-version=2026-02-01";
        arm.Accepts(Item + "/recoveryPoints/222/restore", asyncOperation: null, location: foreign);

        var failure = await Harness.FailsAsync("backup", "verify", new { });

        Assert.False(failure.Retryable);
        Assert.Contains($"the Location URL Azure Resource Manager answered with points at http://localhost:{elsewhere.Port}",
            failure.Message, StringComparison.Ordinal);
        Assert.Contains("refused and not called", failure.Message, StringComparison.Ordinal);
        Assert.Empty(elsewhere.LogEntries);
    }

    [Fact]
    public async Task SQL_checks_are_refused_in_words_before_anything_is_called()
    {
        var failure = await Harness.FailsAsync("backup", "verify", new { tables = new[] { "orders" }, queries = new[] { "select 1" } });

        Assert.False(failure.Retryable);
        Assert.Contains("azure-backup cannot run SQL checks, but input.tables and input.queries asked for them", failure.Message,
            StringComparison.Ordinal);
        Assert.Empty(arm.LogEntries);
    }

    [Fact]
    public async Task The_operation_is_polled_no_sooner_than_its_Retry_After_asks()
    {
        ServeRecoveryPoints(("222", DateTimeOffset.UtcNow.AddHours(-1)));
        arm.Accepts(Item + "/recoveryPoints/222/restore", $"{arm.Url}{Item}/operationsStatus/op-1?api-version=2026-02-01", null, retryAfter: 1);
        arm.AnswersInTurn(Item + "/operationsStatus/op-1", """{"id":"op-1","name":"op-1","status":"Succeeded","properties":{"jobId":"job-1"}}""");
        ServeJob("job-1", "Completed");

        await Harness.InvokeAsync("backup", "verify", new { });

        var posted = Assert.Single(arm.To("POST", Item + "/recoveryPoints/222/restore")).DateTime;
        var polled = Assert.Single(arm.To("GET", Item + "/operationsStatus/op-1")).DateTime;
        Assert.True(polled - posted >= TimeSpan.FromSeconds(0.95), $"polled after {(polled - posted).TotalSeconds} s");
    }

    [Fact]
    public async Task A_job_still_running_at_the_steps_time_out_fails_with_its_id_and_status()
    {
        ServeRecoveryPoints(("222", DateTimeOffset.UtcNow.AddHours(-1)));
        AcceptRestore("222");
        ServeJob("job-1", "InProgress");

        // Long enough that on a busy machine the token and the restore request fit in it, and only the job's wait runs out.
        var failure = await Harness.FailsAsync("backup", "verify", new { }, timeout: TimeSpan.FromSeconds(4));

        Assert.Contains("the restore job job-1 (InProgress) did not finish within the step's time-out of 4 s", failure.Message,
            StringComparison.Ordinal);
        Assert.Equal("job-1", failure.Output!["jobId"]!.GetValue<string>());
        Assert.Equal("InProgress", failure.Output["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_client_secret_never_reaches_outputs_errors_or_logs_even_when_the_target_echoes_it()
    {
        ServeRecoveryPoints(("222", DateTimeOffset.UtcNow.AddHours(-1)));
        AcceptRestore("222");
        ServeJob("job-1", $$"""{"errorDetails":[{"errorCode":1,"errorString":"bad credential {{FakeTokenEndpoint.ClientSecret}}"}]}""");

        var failure = await Harness.FailsAsync("backup", "verify", new { });

        Assert.Contains("bad credential [redacted]", failure.Message, StringComparison.Ordinal);
        Harness.AssertNowhere([FakeTokenEndpoint.ClientSecret], failure.Message, failure.Output?.ToJsonString());
        Assert.Equal(FakeTokenEndpoint.ClientSecret, Assert.Single(arm.TokenRequests()).Form()["client_secret"]);
    }

    [Fact]
    public async Task Names_with_slashes_in_settings_stay_one_escaped_segment_and_dot_dot_is_refused()
    {
        settings["Respond:Connectors:backup:ResourceGroup"] = "rg/../../other";
        settings["Respond:Connectors:backup:ProtectedItemName"] = "..";
        var failure = await Harness.FailsAsync("backup", "verify", new { });

        Assert.Contains("the setting ProtectedItemName is not a usable path segment", failure.Message, StringComparison.Ordinal);
        Assert.Empty(arm.ApiRequests());

        harness!.Configuration["Respond:Connectors:backup:ProtectedItemName"] = "VM;iaasvmcontainerv2;rg-app;vm-app";
        await Assert.ThrowsAsync<Respond.Server.Connectors.ConnectorException>(() => Harness.InvokeAsync("backup", "verify", new { }));

        var sent = Assert.Single(arm.ApiRequests());
        Assert.Contains("/subscriptions/sub-0001/resourceGroups/rg%2F..%2F..%2Fother/providers/Microsoft.RecoveryServices/vaults/vault-1/",
            sent.Url, StringComparison.Ordinal);
    }

    private void ServeRecoveryPoints(params (string Name, DateTimeOffset Time)[] points)
    {
        var value = new JsonArray([.. points.Select(p => (JsonNode)new JsonObject
        {
            ["id"] = $"{Item}/recoveryPoints/{p.Name}",
            ["name"] = p.Name,
            ["type"] = "Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems/recoveryPoints",
            ["properties"] = new JsonObject
            {
                ["objectType"] = "IaasVMRecoveryPoint",
                ["recoveryPointType"] = "CrashConsistent",
                ["recoveryPointTime"] = p.Time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
            },
        })]);
        arm.AnswersInTurn(Item + "/recoveryPoints", new JsonObject { ["value"] = value }.ToJsonString());
    }

    private void AcceptRestore(string recoveryPoint)
    {
        arm.Accepts($"{Item}/recoveryPoints/{recoveryPoint}/restore",
            $"{arm.Url}{Item}/operationsStatus/op-1?api-version=2026-02-01", $"{arm.Url}{Item}/operationResults/op-1?api-version=2026-02-01");
        arm.AnswersInTurn(Item + "/operationsStatus/op-1",
            """{"id":"op-1","name":"op-1","status":"InProgress","startTime":"2026-12-06T10:00:00Z"}""",
            """{"id":"op-1","name":"op-1","status":"Succeeded","properties":{"objectType":"OperationStatusJobExtendedInfo","jobId":"job-1"}}""");
    }

    // Each status is one poll's answer; a status that is JSON is the properties of a Failed job.
    private void ServeJob(string job, params string[] statuses) => arm.AnswersInTurn($"{Vault}/backupJobs/{job}", [.. statuses.Select(s =>
    {
        var properties = s.StartsWith('{') ? JsonNode.Parse(s)!.AsObject() : new JsonObject();
        properties["status"] = s.StartsWith('{') ? "Failed" : s;
        properties["jobType"] = "AzureIaaSVMJob";
        properties["operation"] = "Restore";
        properties["entityFriendlyName"] = "vm-app";
        return new JsonObject { ["id"] = $"{Vault}/backupJobs/{job}", ["name"] = job, ["properties"] = properties }.ToJsonString();
    })]);

    public void Dispose()
    {
        harness?.Dispose();
        arm.Dispose();
        elsewhere.Dispose();
    }
}
