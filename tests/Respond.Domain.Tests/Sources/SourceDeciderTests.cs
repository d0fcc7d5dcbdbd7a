using Respond.Domain.Alerts.Formats;
using Respond.Domain.Sources;

namespace Respond.Domain.Tests.Sources;

public class SourceDeciderTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
    private static readonly GenericMapping Mapping = new() { Title = "$.title", Fingerprint = "$.id" };

    private static AddSource Add(string? name = "edr", string? kind = "generic", string? auth = "token", GenericMapping? mapping = null,
        bool taken = false) => new(name, kind, auth, kind == "generic" ? mapping ?? Mapping : mapping, taken, "alice", Now);

    private static ConsoleSource? After(params object[] events) => events.Aggregate((ConsoleSource?)null, ConsoleSource.Evolve);

    [Fact]
    public void Adding_a_free_name_records_who_when_kind_and_auth_but_no_secret()
    {
        var added = SourceDecider.Decide(null, Add(auth: "Signature"));
        Assert.Equal(new SourceAdded(SourceNames.StreamId("edr"), "edr", "generic", SourceAuth.Signature, Mapping, "alice", Now), added);
        Assert.DoesNotContain(typeof(SourceAdded).GetProperties(), p => p.Name.Contains("Secret", StringComparison.Ordinal)
            || p.Name.Contains("Token", StringComparison.Ordinal));
    }

    [Fact]
    public void A_name_that_exists_or_is_configured_is_a_conflict_and_a_deleted_one_is_free_again()
    {
        var added = SourceDecider.Decide(null, Add());
        Assert.Throws<SourceConflictException>(() => SourceDecider.Decide(After(added), Add(kind: "grafana")));
        Assert.Throws<SourceConflictException>(() => SourceDecider.Decide(null, Add(taken: true)));
        var deleted = SourceDecider.Decide(After(added), new DeleteSource("edr", false, "bob", Now));
        Assert.Equal("bob", deleted.Actor);
        Assert.False(ConsoleSource.Exists(After(added, deleted)));
        Assert.Equal("grafana", SourceDecider.Decide(After(added, deleted), Add(kind: "grafana")).Kind);
    }

    [Fact]
    public void Rotating_or_deleting_needs_a_live_console_source()
    {
        Assert.Throws<SourceNotFoundException>(() => SourceDecider.Decide(null, new RotateSourceSecret("edr", false, "a", Now)));
        Assert.Throws<SourceConflictException>(() => SourceDecider.Decide(null, new DeleteSource("generic", true, "a", Now)));
        var added = SourceDecider.Decide(null, Add(auth: "token"));
        Assert.Equal(SourceAuth.Token, SourceDecider.Decide(After(added), new RotateSourceSecret("edr", false, "a", Now)).Auth);
    }

    [Theory]
    [InlineData(null, "name")]
    [InlineData("", "name")]
    [InlineData("Upper", "name")]
    [InlineData("-lead", "name")]
    [InlineData("a/b", "name")]
    [InlineData("a b", "name")]
    [InlineData("ok", null)]
    [InlineData("a-0123456789012345678901234567890123456789012345678901234567890", null)]
    [InlineData("a-01234567890123456789012345678901234567890123456789012345678901", "name")]
    public void Names_are_lower_case_slugs(string? name, string? field)
    {
        if (field is null)
        {
            Assert.Equal(name, SourceDecider.Decide(null, Add(name: name)).Name);
        }
        else
        {
            Assert.Equal(field, Assert.Throws<SourceFieldException>(() => SourceDecider.Decide(null, Add(name: name))).Field);
        }
    }

    [Fact]
    public void Kind_auth_and_mapping_are_checked_field_by_field()
    {
        static string Field(AddSource add) => Assert.Throws<SourceFieldException>(() => SourceDecider.Decide(null, add)).Field;
        Assert.Equal("kind", Field(Add(kind: "splunk")));
        Assert.Equal("auth", Field(Add(auth: "password")));
        Assert.Equal(SourceAuth.Token, SourceDecider.Decide(null, Add(auth: null)).Auth); // a newcomer's {name, kind} works
        Assert.Equal("mapping", Field(Add(kind: "grafana", mapping: Mapping)));
        Assert.Equal("mapping", Field(new AddSource("edr", "generic", "token", null, false, "a", Now)));
        Assert.Equal("mapping.title", Field(Add(mapping: Mapping with { Title = " " })));
        Assert.Equal("mapping.fingerprint", Field(Add(mapping: Mapping with { Fingerprint = "$[?(" })));
        Assert.Equal("mapping.entities.resources", Field(Add(mapping: Mapping with { Resources = "$[[" })));
        Assert.Equal("mapping.severity", Field(Add(mapping: Mapping with { Severity = "$." + new string('x', 1000) })));
        Assert.Null(SourceDecider.Decide(null, Add(kind: "alertmanager", mapping: new GenericMapping())).Mapping);
    }
}
