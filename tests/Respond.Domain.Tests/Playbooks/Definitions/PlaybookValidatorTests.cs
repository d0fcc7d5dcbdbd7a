using Respond.Domain.Playbooks.Definitions;

namespace Respond.Domain.Tests.Playbooks.Definitions;

public class PlaybookValidatorTests
{
    private const string End = """{ "id": "done", "type": "end" }""";

    private static IReadOnlyList<ValidationError> Errors(params string[] steps) => Playbooks.Validate(Playbooks.WithSteps(steps));

    private static ValidationError Single(IReadOnlyList<ValidationError> errors, string stepId)
    {
        var error = Assert.Single(errors);
        Assert.Equal(stepId, error.StepId);
        return error;
    }

    [Fact]
    public void The_spec_example_is_valid()
    {
        Assert.Empty(Playbooks.Validate(Playbooks.Example()));
    }

    [Fact]
    public void An_unknown_step_type_names_its_step()
    {
        var error = Single(Errors("""{ "id": "a", "type": "teleport", "next": "done" }""", End), "a");
        Assert.Contains("Unknown step type 'teleport'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_connector_names_its_step()
    {
        var error = Single(Errors("""{ "id": "a", "type": "action", "connector": "pager", "operation": "page", "next": "done" }""", End), "a");
        Assert.Contains("No connector 'pager'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_operation_names_its_step_and_the_operations_there_are()
    {
        var error = Single(Errors("""{ "id": "a", "type": "action", "connector": "firewall", "operation": "nuke", "next": "done" }""", End), "a");
        Assert.Contains("no operation 'nuke'", error.Message, StringComparison.Ordinal);
        Assert.Contains("block-ip", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Input_the_operation_refuses_names_its_step()
    {
        var error = Single(Errors(
            """{ "id": "a", "type": "action", "connector": "firewall", "operation": "block-ip", "input": {}, "next": "done" }""", End), "a");
        Assert.Equal("input: ip is required.", error.Message);
    }

    [Theory]
    [InlineData("""{ "id": "a", "type": "delay", "duration": "P9000Y", "next": "done" }""", "duration 'P9000Y' is longer than the limit of 366 days")]
    [InlineData("""{ "id": "a", "type": "delay", "duration": "PT0S", "next": "done" }""", "duration 'PT0S' is zero")]
    [InlineData("""{ "id": "a", "type": "approval", "approvers": { "roles": ["approver"] }, "timeout": "P367D", "next": "done" }""",
        "timeout 'P367D' is longer than the limit of 366 days")]
    [InlineData("""{ "id": "a", "type": "action", "connector": "chat", "operation": "post",""" +
                """ "input": { "text": "x" }, "timeout": "PT2H1M", "next": "done" }""",
        "timeout 'PT2H1M' is longer than the limit of 2 hours")]
    [InlineData("""{ "id": "a", "type": "action", "connector": "chat", "operation": "post", "input": { "text": "x" },""" +
                """ "retry": { "maxAttempts": 2, "delay": "P9000Y" }, "next": "done" }""",
        "retry.delay 'P9000Y' is longer than the limit of 1 day")]
    [InlineData("""{ "id": "a", "type": "playbook", "playbook": "other", "timeout": "P9000Y", "next": "done" }""",
        "timeout 'P9000Y' is longer than the limit of 366 days")]
    public void A_duration_off_the_calendar_or_zero_is_refused_naming_its_step(string step, string expected)
    {
        var error = Single(Errors(step, End), "a");
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "id": "a", "type": "end", "status": "aborted" }""", "An end step's status is completed or failed.")]
    [InlineData("""{ "id": "a", "type": "end", "status": "failed", "message": "RTO {{ vars.rto ) }} s" }""", "{{ }}")]
    public void An_end_step_fails_its_run_only_as_failed_with_a_message_that_parses(string step, string expected)
    {
        var error = Single(Errors(step), "a");
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_end_step_that_fails_its_run_with_a_message_is_valid() =>
        Assert.Empty(Errors("""{ "id": "a", "type": "end", "status": "failed", "message": "RTO {{ vars.rto }} s missed." }"""));

    [Fact]
    public void Next_to_a_missing_step_names_the_step_that_points_there()
    {
        var error = Single(Errors("""{ "id": "a", "type": "set", "set": { "x": 1 }, "next": "nowhere" }"""), "a");
        Assert.Contains("'nowhere'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_outcome_the_step_type_does_not_have_is_refused()
    {
        var error = Single(Errors(
            """{ "id": "a", "type": "approval", "approvers": { "roles": ["approver"] }, "next": { "approved": "done", "maybe": "done" } }""",
                End), "a");
        Assert.Contains("'maybe'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unreachable_step_is_named()
    {
        var error = Single(Errors(End, """{ "id": "orphan", "type": "end" }"""), "orphan");
        Assert.Contains("unreachable", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_step_on_a_cycle_is_named()
    {
        var errors = Errors(
            """{ "id": "a", "type": "set", "set": { "x": 1 }, "next": "b" }""",
            """{ "id": "b", "type": "condition", "if": "vars.x > 1", "next": { "true": "c", "false": "d" } }""",
            """{ "id": "c", "type": "set", "set": { "x": 2 }, "next": "a" }""",
            // d closes the same loop through a, which the search has finished by the time it gets here.
            """{ "id": "d", "type": "set", "set": { "x": 3 }, "next": "c" }""");

        Assert.Equal(["a", "b", "c", "d"], errors.Select(e => e.StepId).Order());
        Assert.All(errors, e => Assert.Contains("cycle", e.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void A_step_leading_to_itself_is_one_error_not_a_cycle()
    {
        var error = Single(Errors("""{ "id": "a", "type": "set", "set": { "x": 1 }, "next": "a" }"""), "a");
        Assert.Contains("itself", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("timeout", "30 minutes")]
    [InlineData("timeout", "-PT5M")]
    [InlineData("duration", "PT")]
    public void A_bad_duration_names_its_step_and_field(string field, string value)
    {
        var other = field == "duration" ? "timeout" : "duration";
        var error = Single(Errors($$"""{ "id": "a", "type": "delay", "{{other}}": "PT1M", "{{field}}": "{{value}}", "next": "done" }""", End), "a");
        Assert.StartsWith(field, error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{value}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("ISO-8601", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "maxAttempts": 0 }""", "maxAttempts")]
    [InlineData("""{ "maxAttempts": 99 }""", "maxAttempts")]
    [InlineData("""{ "maxAttempts": 3, "backoff": "random" }""", "backoff")]
    [InlineData("""{ "maxAttempts": 3, "delay": "2s" }""", "retry.delay")]
    public void A_bad_retry_names_its_step(string retry, string mentions)
    {
        var error = Single(Errors($$"""{ "id": "a", "type": "set", "set": { "x": 1 }, "retry": {{retry}}, "next": "done" }""", End), "a");
        Assert.Contains(mentions, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "id": "a", "type": "approval", "next": "done" }""")]
    [InlineData("""{ "id": "a", "type": "approval", "approvers": { "roles": [], "users": [] }, "next": "done" }""")]
    public void An_approval_without_approvers_is_refused(string step)
    {
        var error = Single(Errors(step, End), "a");
        Assert.Contains("approvers", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_quorum_larger_than_the_named_users_is_refused()
    {
        var error = Single(Errors("""{ "id": "a", "type": "approval", "approvers": { "users": ["alice"], "quorum": 2 }, "next": "done" }""",
            End), "a");
        Assert.Contains("quorum", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_condition_expression_names_its_step()
    {
        var error = Single(Errors(
            """{ "id": "a", "type": "condition", "if": "incident.severity ==", "next": { "true": "done", "false": "done" } }""", End), "a");
        Assert.StartsWith("if: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_template_expression_names_its_step()
    {
        var error = Single(Errors(
            """{ "id": "a", "type": "action", "connector": "chat", "operation": "post",""" +
            """ "input": { "text": "Hi {{ incident.( }}" }, "next": "done" }""", End), "a");
        Assert.StartsWith("{{ }}: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_trigger_expression_and_schedule_name_no_step()
    {
        var playbook = Playbooks.Example() with { Trigger = new PlaybookTrigger { On = TriggerKinds.Schedule, Cron = "0 2 * *", When = "((" } };

        var errors = Playbooks.Validate(playbook);

        Assert.Equal(2, errors.Count);
        Assert.All(errors, e => Assert.Null(e.StepId));
        Assert.Contains(errors, e => e.Message.StartsWith("trigger.when: ", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Message.StartsWith("trigger.cron: ", StringComparison.Ordinal));
    }

    [Fact]
    public void A_sub_playbook_must_exist_and_not_be_itself()
    {
        var errors = Errors(
            """{ "id": "a", "type": "playbook", "playbook": "missing", "next": "b" }""",
            """{ "id": "b", "type": "playbook", "playbook": "case", "next": "c" }""",
            """{ "id": "c", "type": "playbook", "playbook": "other" }""");

        Assert.Equal(["a", "b"], errors.Select(e => e.StepId));
    }

    [Fact]
    public void Every_error_of_a_playbook_comes_at_once_each_naming_its_step()
    {
        var errors = Errors(
            """{ "id": "start", "type": "action", "connector": "pager", "operation": "page", "next": "gate" }""",
            """{ "id": "gate", "type": "approval", "timeout": "soon", "next": { "approved": "check", "perhaps": "done" } }""",
            """{ "id": "check", "type": "condition", "if": "))", "next": { "true": "gone", "false": "done" } }""",
            """{ "id": "weird", "type": "warp" }""",
            """{ "id": "BAD", "type": "end" }""",
            End);

        var named = errors.Select(e => e.StepId).ToHashSet();
        Assert.Equal(new HashSet<string?> { "start", "gate", "check", "weird", "BAD" }, named);
        // gate alone: no approvers, a bad timeout and an unknown outcome.
        Assert.True(errors.Count(e => e.StepId == "gate") >= 3, string.Join("\n", errors));
        Assert.Contains(errors, e => e.StepId == "check" && e.Message.Contains("'gone'", StringComparison.Ordinal));
    }

    [Fact]
    public void Playbook_level_problems_have_no_step()
    {
        var playbook = Playbooks.WithSteps() with { Id = "Not An Id", Name = " " };

        var errors = Playbooks.Validate(playbook);

        Assert.Equal(3, errors.Count);
        Assert.All(errors, e => Assert.Null(e.StepId));
    }

    [Fact]
    public void A_branch_that_runs_into_the_main_path_is_refused()
    {
        var errors = Errors(
            """{ "id": "fork", "type": "parallel", "branches": ["left", "right"], "next": "after" }""",
            """{ "id": "left", "type": "set", "set": { "l": 1 } }""",
            """{ "id": "right", "type": "set", "set": { "r": 1 }, "next": "after" }""",
            """{ "id": "after", "type": "end" }""");

        Assert.Contains(errors, e => e.StepId == "after" && e.Message.Contains("leads out of the branch", StringComparison.Ordinal));
    }
}
