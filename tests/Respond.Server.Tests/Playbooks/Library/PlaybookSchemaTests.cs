using System.Net;
using System.Text.Json.Nodes;
using Newtonsoft.Json.Linq;
using Respond.Domain.Playbooks.Definitions;
using Respond.Server.Playbooks.Library;
using Respond.Server.Storage;
using Respond.Server.Tests.Infrastructure;

namespace Respond.Server.Tests.Playbooks.Library;

public class PlaybookSchemaTests(LibraryApp app) : IClassFixture<LibraryApp>
{
    private static readonly string SchemaFile = Path.Combine(
        RepositoryRoot.Find(AppContext.BaseDirectory) ?? throw new InvalidOperationException("The tests run from a checkout."),
        "playbooks", "playbook.schema.json");

    private readonly HttpClient author = app.As("author");

    [Fact]
    public async Task The_served_schema_is_the_repository_file_byte_for_byte()
    {
        var response = await app.As("viewer").GetAsync("/api/playbooks/schema");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/schema+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(await File.ReadAllBytesAsync(SchemaFile), await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public void The_spec_example_and_the_stored_form_fit_the_schema()
    {
        var example = LibraryPlaybooks.Example("spec").ToJsonString();
        var stored = PlaybookJson.Write(PlaybookJson.Parse(example));

        Assert.Empty(SchemaErrors.Of(JToken.Parse(example)));
        Assert.Empty(SchemaErrors.Of(JToken.Parse(stored)));
    }

    [Fact]
    public async Task Structural_errors_name_their_step()
    {
        var playbook = LibraryPlaybooks.Example("shape");
        playbook.Step("approve")["colour"] = "red";
        playbook.Step("block")["retry"]!["maxAttempts"] = "five";
        playbook.Step("notify").Remove("operation");
        playbook["steps"]!.AsArray().Insert(4, new JsonObject { ["type"] = "end" });
        playbook["owner"] = "soc";

        var errors = await ErrorsAsync(playbook);

        Assert.Contains(new Error("approve", "Unknown property 'colour'."), errors);
        Assert.Contains(new Error("block", "retry.maxAttempts must be a whole number."), errors);
        Assert.Contains(new Error("notify", "operation is required."), errors);
        Assert.Contains(new Error(null, "steps[4].id is required."), errors);
        Assert.Contains(new Error(null, "Unknown property 'owner'."), errors);
    }

    [Fact]
    public async Task A_next_of_the_wrong_kind_says_what_it_may_be()
    {
        var playbook = LibraryPlaybooks.Example("next-kind");
        playbook.Step("contained")["next"] = 3;
        playbook.Step("approve")["next"]!["maybe"] = "done";

        var errors = await ErrorsAsync(playbook);

        Assert.Contains(new Error("contained", "next must be a string or an object."), errors);
        Assert.Contains(new Error("approve", "Unknown property 'maybe' in next."), errors);
    }

    [Fact]
    public async Task A_step_of_the_wrong_type_for_its_fields_is_told_about_its_own_type()
    {
        var playbook = LibraryPlaybooks.Example("own-type");
        playbook.Step("contained")["connector"] = "chat";
        playbook.Step("contained")["status"] = "solved";

        var errors = await ErrorsAsync(playbook);

        Assert.Contains(new Error("contained", "Unknown property 'connector'."), errors);
        Assert.Contains(errors,
            e => e.StepId == "contained" && e.Message.StartsWith("status must be one of acknowledged, contained", StringComparison.Ordinal));
    }

    private sealed record Error(string? StepId, string Message);

    private async Task<IReadOnlyList<Error>> ErrorsAsync(JsonObject playbook)
    {
        var answer = await (await author.PostJsonAsync("/api/playbooks/validate", playbook)).JsonAsync(HttpStatusCode.OK);
        Assert.False(answer["valid"]!.GetValue<bool>());
        return [.. answer["errors"]!.AsArray().Select(e => new Error(e!["stepId"]?.GetValue<string>(), e["message"]!.GetValue<string>()))];
    }
}
