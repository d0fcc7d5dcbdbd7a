using System.Text.Json.Nodes;

namespace Respond.Server.Tests.Connectors;

/// <summary>What the playbook designer and the engine hear about a step's input before anything is sent.</summary>
public sealed class InputValidationTests : IDisposable
{
    private readonly ConnectorHarness harness = new(new Dictionary<string, string?>
    {
        ["Respond:Connectors:mde:Kind"] = "defender-endpoint",
        ["Respond:Connectors:nsg:Kind"] = "azure-nsg",
        ["Respond:Connectors:mail:Kind"] = "email",
    });

    private IReadOnlyList<string> Validate(string connector, string operation, string input) =>
        harness.Connectors.ValidateInput(connector, operation, JsonNode.Parse(input)!.AsObject());

    [Fact]
    public void Valid_input_has_no_problems() =>
        Assert.Empty(Validate("mde", "isolate-machine", """{"machineId":"abc","comment":"c","isolationType":"Selective"}"""));

    [Fact]
    public void A_missing_required_property_is_named()
    {
        var problem = Assert.Single(Validate("mde", "isolate-machine", """{"machineId":"abc"}"""));
        Assert.Contains("input.comment is required", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Wrong_types_unknown_properties_and_values_outside_the_enum_are_named()
    {
        var problems = Validate("nsg", "block-ip", """{"ip":42,"priority":"high","direction":"Sideways","colour":"red"}""");

        Assert.Contains(problems, p => p.Contains("input.ip must be string, not a number", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("input.priority must be integer, not a string", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("input.direction must be one of", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("input.colour is not a known property", StringComparison.Ordinal));
    }

    [Fact]
    public void Numbers_out_of_range_and_fractions_for_integers_are_named()
    {
        var problems = Validate("nsg", "block-ip", """{"ip":"10.0.0.1","priority":5000}""");
        Assert.Contains(problems, p => p.Contains("input.priority must be at most 4096", StringComparison.Ordinal));
        Assert.NotEmpty(Validate("nsg", "block-ip", """{"ip":"10.0.0.1","priority":100.5}"""));
    }

    [Fact]
    public void A_template_matches_any_type()
    {
        Assert.Empty(Validate("nsg", "block-ip", """{"ip":"{{ incident.entities.ips[0] }}","priority":"{{ vars.priority }}"}"""));
        Assert.Empty(Validate("mail", "send",
            """{"to":"{{ vars.oncall }}","subject":"New {{ incident.title }}","body":"b","html":"{{ vars.html }}"}"""));
    }

    [Fact]
    public void A_union_type_takes_either_form()
    {
        Assert.Empty(Validate("mail", "send", """{"to":["a@soc.example","b@soc.example"],"subject":"s","body":"b"}"""));
        var problem = Assert.Single(Validate("mail", "send", """{"to":[1],"subject":"s","body":"b"}"""));
        Assert.Contains("input.to[0] must be string", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_connector_or_operation_says_so()
    {
        Assert.Contains("no connector 'nope'", Assert.Single(Validate("nope", "post", "{}")), StringComparison.Ordinal);
        var problem = Assert.Single(Validate("mde", "explode", "{}"));
        Assert.Contains("no operation 'explode'", problem, StringComparison.Ordinal);
        Assert.Contains("isolate-machine", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoking_an_unknown_connector_or_operation_is_a_permanent_failure()
    {
        Assert.False((await harness.FailsAsync("nope", "post", new { })).Retryable);
        Assert.False((await harness.FailsAsync("mde", "explode", new { })).Retryable);
    }

    [Fact]
    public async Task Invoking_with_invalid_input_is_a_permanent_failure_and_sends_nothing()
    {
        var failure = await harness.FailsAsync("mde", "isolate-machine", new { machineId = "abc" });

        Assert.False(failure.Retryable);
        Assert.Contains("input.comment is required", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_setting_is_named_without_any_value()
    {
        var failure = await harness.FailsAsync("mde", "isolate-machine", new { machineId = "abc", comment = "c" });

        Assert.False(failure.Retryable);
        Assert.Contains("Respond:Connectors:mde:TenantId", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_operation_declares_an_object_schema()
    {
        using var all = new ConnectorHarness(new Dictionary<string, string?>
        {
            ["Respond:Connectors:a:Kind"] = "http",
            ["Respond:Connectors:b:Kind"] = "slack",
            ["Respond:Connectors:c:Kind"] = "teams",
            ["Respond:Connectors:d:Kind"] = "email",
            ["Respond:Connectors:e:Kind"] = "defender-endpoint",
            ["Respond:Connectors:f:Kind"] = "entra-id",
            ["Respond:Connectors:g:Kind"] = "azure-nsg",
            ["Respond:Connectors:h:Kind"] = "firewall",
        });

        Assert.Equal(8, all.Connectors.All.Count);
        Assert.All(all.Connectors.All.SelectMany(c => c.Operations), o => Assert.Equal("object", o.InputSchema["type"]!.GetValue<string>()));
    }

    [Fact]
    public void An_unknown_kind_stops_the_start_naming_the_connector()
    {
        var failure = Assert.Throws<InvalidOperationException>(() => new ConnectorHarness(new Dictionary<string, string?>
        {
            ["Respond:Connectors:pager:Kind"] = "pagerduty",
        }));
        Assert.Contains("Respond:Connectors:pager:Kind", failure.Message, StringComparison.Ordinal);
    }

    public void Dispose() => harness.Dispose();
}
