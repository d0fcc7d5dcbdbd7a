using System.Text.Json.Nodes;
using Respond.Domain.Playbooks.Definitions;

namespace Respond.Domain.Tests.Playbooks.Definitions;

public class PlaybookJsonTests
{
    [Fact]
    public void The_spec_example_reads_into_the_model()
    {
        var playbook = Playbooks.Example();

        Assert.Equal("contain-brute-force", playbook.Id);
        Assert.Equal(TriggerKinds.IncidentOpened, playbook.Trigger.On);
        Assert.Equal(["notify", "approve", "block", "contained", "done"], playbook.Steps.Select(s => s.Id));
        Assert.Equal("notify", playbook.Entry?.Id);

        var approve = playbook.Step("approve")!;
        Assert.Equal(["approver"], approve.Approvers!.Roles);
        Assert.Equal(1, approve.Approvers.Quorum);
        Assert.Equal("block", approve.Next!.For(Outcome.Approved));
        Assert.Equal("done", approve.Next.For(Outcome.Rejected));

        var block = playbook.Step("block")!;
        Assert.Equal(5, block.Retry!.MaxAttempts);
        Assert.Equal("{{ incident.entities.ips[0] }}", block.Input!["ip"]!.GetValue<string>());
        Assert.Equal("contained", block.Next!.For(Outcome.Success));
        Assert.Null(block.Next.For(Outcome.Error));
    }

    [Fact]
    public void Writing_and_reading_again_keeps_every_field()
    {
        var written = PlaybookJson.Write(Playbooks.Example());
        var again = PlaybookJson.Write(PlaybookJson.Parse(written));

        Assert.Equal(written, again);
        var node = JsonNode.Parse(written)!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Playbooks.SpecExample)!["trigger"], node["trigger"]));
        Assert.Equal("approve", node["steps"]![0]!["next"]!.GetValue<string>());
        Assert.Equal("done", node["steps"]![1]!["next"]!["expired"]!.GetValue<string>());
        Assert.Equal("PT2S", node["steps"]![2]!["retry"]!["delay"]!.GetValue<string>());
    }

    [Fact]
    public void Writing_leaves_out_derived_and_absent_fields()
    {
        var node = JsonNode.Parse(PlaybookJson.Write(Playbooks.Example()))!.AsObject();

        Assert.False(node.ContainsKey("entry"));
        Assert.False(node.ContainsKey("description"));
        Assert.False(node["steps"]![4]!.AsObject().ContainsKey("next"));
    }

    [Theory]
    [InlineData("""{ "id": "x", "name": "x", "steps": null }""")]
    [InlineData("""{ "id": "x", "name": "x", "steps": [null] }""")]
    [InlineData("""{ "id": "x", "name": "x", "trigger": null, "steps": [] }""")]
    [InlineData("""{ "id": "x", "name": "x", "steps": [{ "id": "a", "type": "end", "next": { "success": null } }] }""")]
    [InlineData("""{ "id": "x", "name": "x", "steps": [{ "id": "a", "type": "approval", "approvers": { "roles": null } }] }""")]
    [InlineData("""{ "id": "x", "name": "x", "steps": [{ "id": "a", "type": "approval", "approvers": { "users": [null] } }] }""")]
    [InlineData("""{ "id": "x", "name": "x", "steps": [{ "id": "a", "type": "parallel", "branches": ["b", null] }] }""")]
    [InlineData("""{ "id": "x", "name": "x", "steps": [{ "id": "a", "type": "incident", "observable": { "type": "ip" } }] }""")]
    [InlineData("""{ "id": "x", "name": "x", "steps": [{ "id": "a", "type": "end", "next": 3 }] }""")]
    [InlineData("""{ "id": "x", "steps": [ """)]
    [InlineData("null")]
    public void Nulls_and_broken_json_are_a_format_error_not_a_crash_later(string json)
    {
        var error = Assert.Throws<PlaybookFormatException>(() => PlaybookJson.Parse(json));
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }

    [Fact]
    public void Comments_and_trailing_commas_are_allowed_in_files()
    {
        var playbook = PlaybookJson.Parse("""
            // a hand-written file
            { "id": "x", "name": "X", "steps": [ { "id": "done", "type": "end" }, ], }
            """);

        Assert.Equal("done", playbook.Entry?.Id);
        Assert.Equal(TriggerKinds.Manual, playbook.Trigger.On);
    }
}
