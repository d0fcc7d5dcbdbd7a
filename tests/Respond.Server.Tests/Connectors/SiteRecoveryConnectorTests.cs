using System.Text.Json.Nodes;
using Respond.Server.Connectors;
using WireMock.Server;

namespace Respond.Server.Tests.Connectors;

public sealed class SiteRecoveryConnectorTests : IDisposable
{
    private const string Vault = FakeSiteRecovery.Vault;
    private const string Item = FakeSiteRecovery.Item;
    private const string TestNetwork = FakeSiteRecovery.TestNetwork;

    private readonly WireMockServer arm = WireMockServer.Start();
    private readonly WireMockServer elsewhere = WireMockServer.Start();
    private readonly Dictionary<string, string?> settings;
    private ConnectorHarness? harness;

    public SiteRecoveryConnectorTests()
    {
        FakeTokenEndpoint.Serve(arm);
        settings = FakeSiteRecovery.Settings("failover", arm);
    }

    private ConnectorHarness Harness => harness ??= new ConnectorHarness(settings);

    [Fact]
    public async Task A_test_failover_into_the_recovery_network_reports_its_job_and_the_measured_rto()
    {
        Accept("testFailover", "job-tfo");
        ServeJob("job-tfo", "NotStarted", "InProgress", "Succeeded");

        var output = await Harness.InvokeAsync("failover", "test-failover", new { rtoTarget = "PT15M" });

        Assert.Equal("job-tfo", output!["jobName"]!.GetValue<string>());
        Assert.Equal("Succeeded", output["state"]!.GetValue<string>());
        var rto = output["rtoSeconds"]!.GetValue<double>();
        Assert.InRange(rto, 0.1, 10);
        Assert.Equal(rto, output["elapsedSeconds"]!.GetValue<double>());
        Assert.Equal(900, output["rtoTargetSeconds"]!.GetValue<double>());
        Assert.True(output["passed"]!.GetValue<bool>());

        var sent = Assert.Single(arm.To("POST", Item + "/testFailover"));
        Assert.Equal("2026-05-01", sent.ApiVersion());
        Assert.Equal("Bearer token-1", sent.Header("Authorization"));
        var expected = JsonNode.Parse($$"""
            {"properties":{"failoverDirection":"PrimaryToRecovery","networkType":"VmNetworkAsInput","networkId":"{{TestNetwork}}",
             "providerSpecificDetails":{"instanceType":"A2A"} } }
            """);
        Assert.True(JsonNode.DeepEquals(expected, sent.JsonBody()), sent.Body);
        var polls = arm.To("GET", Vault + "/replicationJobs/job-tfo");
        Assert.Equal(3, polls.Count);
        Assert.All(polls, p => Assert.Equal("2026-05-01", p.ApiVersion()));
    }

    [Fact]
    public async Task Test_failover_cleanup_sends_its_comments_and_follows_the_job()
    {
        Accept("testFailoverCleanup", "job-clean");
        ServeJob("job-clean", "InProgress", "Succeeded");

        var output = await Harness.InvokeAsync("failover", "test-failover-cleanup", new { comments = "Quarterly drill done" });

        Assert.Equal("job-clean", output!["jobName"]!.GetValue<string>());
        Assert.Equal("Succeeded", output["state"]!.GetValue<string>());
        Assert.True(output["elapsedSeconds"]!.GetValue<double>() > 0);
        var sent = Assert.Single(arm.To("POST", Item + "/testFailoverCleanup"));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"properties":{"comments":"Quarterly drill done"}}"""), sent.JsonBody()), sent.Body);
    }

    [Fact]
    public async Task A_failover_is_unplanned_without_source_site_operations_and_measures_the_rto_against_the_setting()
    {
        settings["Respond:Connectors:failover:RtoTarget"] = "PT1H";
        Accept("unplannedFailover", "job-fo");
        ServeJob("job-fo", "InProgress", "Succeeded");

        var output = await Harness.InvokeAsync("failover", "failover", new { });

        Assert.Equal(3600, output!["rtoTargetSeconds"]!.GetValue<double>());
        Assert.True(output["rtoSeconds"]!.GetValue<double>() > 0);
        var sent = Assert.Single(arm.To("POST", Item + "/unplannedFailover"));
        var expected = JsonNode.Parse("""
            {"properties":{"failoverDirection":"PrimaryToRecovery","sourceSiteOperations":"NotRequired",
             "providerSpecificDetails":{"instanceType":"A2A"}}}
            """);
        Assert.True(JsonNode.DeepEquals(expected, sent.JsonBody()), sent.Body);
    }

    [Fact]
    public async Task Committing_a_failover_posts_failoverCommit_and_follows_the_job()
    {
        Accept("failoverCommit", "job-commit");
        ServeJob("job-commit", "Succeeded");

        var output = await Harness.InvokeAsync("failover", "commit-failover", new { });

        Assert.Equal("job-commit", output!["jobName"]!.GetValue<string>());
        Assert.Single(arm.To("POST", Item + "/failoverCommit"));
        Assert.Single(arm.To("GET", Vault + "/replicationJobs/job-commit"));
    }

    [Fact]
    public async Task Failback_reprotects_first_when_Site_Recovery_requires_it_then_fails_over_back_to_the_primary()
    {
        arm.AnswersInTurn(Item,
            ItemBody("Recovery", "ReverseReplicate", "DisableProtection"), ItemBody("Recovery", "PlannedFailover", "UnplannedFailover"));
        Accept("reProtect", "job-reprotect");
        ServeJob("job-reprotect", "InProgress", "Succeeded");
        Accept("plannedFailover", "job-back");
        ServeJob("job-back", "InProgress", "Succeeded");

        var output = await Harness.InvokeAsync("failover", "failback", new { });

        Assert.Equal("job-back", output!["jobName"]!.GetValue<string>());
        Assert.True(output["reprotected"]!.GetValue<bool>());
        Assert.Equal("job-reprotect", output["reprotectJobName"]!.GetValue<string>());
        var order = arm.ApiRequests().Where(r => r.Method == "POST").Select(r => r.Path[(Item.Length + 1)..]).ToList();
        Assert.Equal(["reProtect", "plannedFailover"], order);
        var back = JsonNode.Parse("""{"properties":{"failoverDirection":"RecoveryToPrimary","providerSpecificDetails":{"instanceType":"A2A"}}}""");
        Assert.True(JsonNode.DeepEquals(back, arm.To("POST", Item + "/reProtect")[0].JsonBody()));
        Assert.True(JsonNode.DeepEquals(back, arm.To("POST", Item + "/plannedFailover")[0].JsonBody()));
    }

    [Fact]
    public async Task Failback_goes_straight_to_the_planned_failover_when_it_is_allowed()
    {
        arm.AnswersInTurn(Item, ItemBody("Recovery", "PlannedFailover"));
        Accept("plannedFailover", "job-back");
        ServeJob("job-back", "Succeeded");

        var output = await Harness.InvokeAsync("failover", "failback", new { });

        Assert.False(output!["reprotected"]!.GetValue<bool>());
        Assert.Empty(arm.To("POST", Item + "/reProtect"));
        Assert.Single(arm.To("POST", Item + "/plannedFailover"));
    }

    [Fact]
    public async Task Health_reports_the_items_replication_health_and_fails_when_it_is_not_where_expected()
    {
        arm.AnswersInTurn(Item, ItemBody("Primary", "TestFailover", "PlannedFailover"));

        var output = await Harness.InvokeAsync("failover", "health", new { expect = "primary" });
        var failure = await Harness.FailsAsync("failover", "health", new { expect = "recovery" });

        Assert.Equal("Normal", output!["replicationHealth"]!.GetValue<string>());
        Assert.Equal("Primary", output["activeLocation"]!.GetValue<string>());
        Assert.Equal("Protected", output["protectionState"]!.GetValue<string>());
        Assert.Equal("Normal", output["failoverHealth"]!.GetValue<string>());
        Assert.True(output["healthy"]!.GetValue<bool>());
        Assert.Contains("the item is active at Primary, not recovery", failure.Message, StringComparison.Ordinal);
        Assert.Equal("Primary", failure.Output!["activeLocation"]!.GetValue<string>());
        Assert.Equal("2026-05-01", arm.To("GET", Item)[0].ApiVersion());
    }

    [Fact]
    public async Task The_job_operation_reads_one_replication_job()
    {
        ServeJob("job-7", """{"errors":[{"serviceErrorDetails":{"code":"539","message":"The VM is not running."}}]}""");

        var output = await Harness.InvokeAsync("failover", "job", new { jobName = "job-7" });

        Assert.Equal("Failed", output!["state"]!.GetValue<string>());
        Assert.Equal("TestFailover", output["scenarioName"]!.GetValue<string>());
        Assert.Equal("The VM is not running (code 539)", Assert.Single(output["errors"]!.AsArray())!.GetValue<string>());
    }

    [Fact]
    public async Task A_failed_job_fails_the_step_with_the_jobs_errors_in_words()
    {
        Accept("testFailover", "job-tfo");
        ServeJob("job-tfo", "InProgress", """
            {"errors":[{"serviceErrorDetails":{"code":"28031","message":"The test network is not in the recovery region.",
              "recommendedAction":"Choose a virtual network in westeurope."}}],
             "tasks":[{"name":"PrepareTask","state":"Failed","errors":[{"providerErrorDetails":{"errorCode":70094,
              "errorMessage":"Provisioning of the test VM failed."}}]}]}
            """);

        var failure = await Harness.FailsAsync("failover", "test-failover", new { });

        Assert.False(failure.Retryable);
        Assert.Contains("the job job-tfo ended Failed: The test network is not in the recovery region (code 28031). Recommended: Choose "
            + "a virtual network in westeurope.; Provisioning of the test VM failed (code 70094)", failure.Message, StringComparison.Ordinal);
        Assert.Equal("Failed", failure.Output!["state"]!.GetValue<string>());
        Assert.Equal("job-tfo", failure.Output["jobName"]!.GetValue<string>());
        Assert.Equal(2, failure.Output["errors"]!.AsArray().Count);
    }

    [Fact]
    public async Task An_rto_over_the_target_fails_the_step_and_keeps_the_figures()
    {
        Accept("unplannedFailover", "job-fo");
        ServeJob("job-fo", "InProgress", "InProgress", "Succeeded");

        var failure = await Harness.FailsAsync("failover", "failover", new { rtoTarget = "PT0.01S" });

        Assert.False(failure.Retryable);
        Assert.Contains("over the RTO target of 0.01 s", failure.Message, StringComparison.Ordinal);
        var figures = failure.Output!;
        Assert.True(figures["rtoSeconds"]!.GetValue<double>() > figures["rtoTargetSeconds"]!.GetValue<double>());
        Assert.Equal(0.01, figures["rtoTargetSeconds"]!.GetValue<double>());
        Assert.Equal("Succeeded", figures["state"]!.GetValue<string>());
        Assert.False(figures["passed"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_Location_pointing_at_another_host_is_refused_and_never_called()
    {
        arm.Accepts(Item + "/testFailover", $"{arm.Url}{Vault}/replicationOperationStatus/job-tfo?api-version=2026-05-01",
            $"http://localhost:{elsewhere.Port}{Vault}/replicationOperationResults/job-tfo?api-version=2026-05-01");

        var failure = await Harness.FailsAsync("failover", "test-failover", new { });

        Assert.Contains($"the Location URL Azure Resource Manager answered with points at http://localhost:{elsewhere.Port}",
            failure.Message, StringComparison.Ordinal);
        Assert.Contains("refused and not called", failure.Message, StringComparison.Ordinal);
        Assert.Empty(elsewhere.LogEntries);
        Assert.Empty(arm.To("GET", Vault + "/replicationJobs/job-tfo"));
    }

    [Fact]
    public async Task The_client_secret_never_reaches_outputs_errors_or_logs_even_when_the_target_echoes_it()
    {
        Accept("failoverCommit", "job-commit");
        ServeJob("job-commit", $$"""{"errors":[{"serviceErrorDetails":{"message":"token {{FakeTokenEndpoint.ClientSecret}} refused"} }]}""");

        var failure = await Harness.FailsAsync("failover", "commit-failover", new { });

        Assert.Contains("token [redacted] refused", failure.Message, StringComparison.Ordinal);
        Harness.AssertNowhere([FakeTokenEndpoint.ClientSecret], failure.Message, failure.Output?.ToJsonString());
        Assert.Equal(FakeTokenEndpoint.ClientSecret, Assert.Single(arm.TokenRequests()).Form()["client_secret"]);
    }

    [Fact]
    public async Task Names_with_slashes_stay_one_escaped_segment_and_dot_dot_is_refused_before_any_call()
    {
        settings["Respond:Connectors:failover:ReplicatedItemName"] = "vm/../../../replicationJobs/x";
        settings["Respond:Connectors:failover:FabricName"] = "..";
        var failure = await Harness.FailsAsync("failover", "health", new { });

        Assert.Contains("the setting FabricName is not a usable path segment", failure.Message, StringComparison.Ordinal);
        Assert.Empty(arm.LogEntries);

        harness!.Configuration["Respond:Connectors:failover:FabricName"] = "asr-a2a-default-westeurope";
        await Assert.ThrowsAsync<ConnectorException>(() => Harness.InvokeAsync("failover", "job", new { jobName = ".." }));
        await Assert.ThrowsAsync<ConnectorException>(() => Harness.InvokeAsync("failover", "health", new { }));

        var sent = Assert.Single(arm.ApiRequests());
        Assert.EndsWith("/replicationProtectedItems/vm%2F..%2F..%2F..%2FreplicationJobs%2Fx?api-version=2026-05-01", sent.Url,
            StringComparison.Ordinal);
    }

    // A 202 as Site Recovery answers an action: the operation (and its job) named in both headers.
    private void Accept(string action, string job) => arm.AcceptsAction(action, job);

    private void ServeJob(string job, params string[] states) => arm.ServesJob(job, states);

    private static string ItemBody(string activeLocation, params string[] allowed) => FakeSiteRecovery.ItemBody(activeLocation, allowed);

    public void Dispose()
    {
        harness?.Dispose();
        arm.Dispose();
        elsewhere.Dispose();
    }
}
