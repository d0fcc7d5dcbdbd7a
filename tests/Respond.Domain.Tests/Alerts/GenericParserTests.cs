using Respond.Domain.Alerts;
using Respond.Domain.Alerts.Formats;
using Respond.Domain.Common;

namespace Respond.Domain.Tests.Alerts;

public class GenericParserTests
{
    internal static readonly GenericMapping Mapping = new()
    {
        Title = "$.event.name",
        Fingerprint = "$.event.id",
        Severity = "$.event.priority",
        Category = "$.event.type",
        Description = "$.event.details",
        Status = "$.event.state",
        Hosts = "$.entities[*].hostname",
        Accounts = "$.entities[*].user",
        Ips = "$.entities[*].ip",
        Resources = "$.cloud.resources",
    };

    [Fact]
    public void Custom_body_is_read_through_the_mapping()
    {
        var alert = Assert.Single(AlertParsers.Create("generic", Mapping).Parse("edr", Samples.Load("generic", "custom.json")));

        Assert.Equal("edr", alert.Source);
        Assert.Equal("generic", alert.Kind);
        Assert.Equal("EDR-2025-000481", alert.ExternalId);
        Assert.Equal("EDR-2025-000481|firing", alert.DedupKey);
        Assert.Equal("EDR-2025-000481", alert.CorrelationKey);
        Assert.Equal("Ransomware behaviour blocked", alert.Title);
        Assert.StartsWith("Mass file renames", alert.Description, StringComparison.Ordinal);
        Assert.Equal(Severity.Critical, alert.Severity);
        Assert.Equal(AlertStatus.Firing, alert.Status);
        Assert.Equal("ransomware", alert.Category);
        Assert.Null(alert.ResolvedAt);
        Assert.Equal("event", alert.Raw.EnumerateObject().First().Name);
    }

    [Fact]
    public void Entity_paths_collect_every_match()
    {
        var alert = Assert.Single(AlertParsers.Create("generic", Mapping).Parse("edr", Samples.Load("generic", "custom.json")));

        Assert.Equal(["wks-hr-04", "wks-hr-09"], alert.Entities.Hosts);
        Assert.Equal(["CONTOSO\\akim", "CONTOSO\\bnoor"], alert.Entities.Accounts);

        // "not-an-ip" is not an address and is dropped.
        Assert.Equal(["10.12.8.44", "10.12.8.51"], alert.Entities.Ips);

        // $.cloud.resources matches an array; its items are the values.
        Assert.Equal(
            ["/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-files/providers/Microsoft.Storage/storageAccounts/sthrshare01"],
            alert.Entities.Resources);
    }

    [Fact]
    public void Recursive_and_filter_paths_work()
    {
        var mapping = new GenericMapping
        {
            Title = "$.title",
            Fingerprint = "$.id",
            Ips = "$..ip",
            Hosts = "$.assets[?(@.kind == 'server')].name",
        };
        var body = Samples.Json("""
            { "title": "t", "id": 42,
              "assets": [ { "kind": "server", "name": "srv-1", "nic": { "ip": "192.0.2.5" } },
                          { "kind": "laptop", "name": "lap-1", "ip": "192.0.2.6" } ] }
            """);

        var alert = Assert.Single(AlertParsers.Create("generic", mapping).Parse("s", body));

        Assert.Equal("42", alert.ExternalId);
        Assert.Equal(["srv-1"], alert.Entities.Hosts);
        Assert.Equal(["192.0.2.5", "192.0.2.6"], alert.Entities.Ips.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("resolved", AlertStatus.Resolved, "resolved")]
    [InlineData("Resolved", AlertStatus.Resolved, "resolved")]
    [InlineData("ok", AlertStatus.Resolved, "resolved")]
    [InlineData("OK", AlertStatus.Resolved, "resolved")]
    [InlineData("closed", AlertStatus.Resolved, "resolved")]
    [InlineData("inactive", AlertStatus.Resolved, "resolved")]
    [InlineData("open", AlertStatus.Firing, "firing")]
    [InlineData("firing", AlertStatus.Firing, "firing")]
    [InlineData("", AlertStatus.Firing, "firing")]
    public void Status_words_decide_resolution(string status, AlertStatus expected, string keyWord)
    {
        var alert = ParseSimple($$"""{ "title": "t", "id": "fp-1", "state": "{{status}}" }""");

        Assert.Equal(expected, alert.Status);
        Assert.Equal("fp-1|" + keyWord, alert.DedupKey);
        Assert.Equal("fp-1", alert.ExternalId);
    }

    [Theory]
    [InlineData("critical", Severity.Critical)]
    [InlineData("High", Severity.High)]
    [InlineData("medium", Severity.Medium)]
    [InlineData("low", Severity.Low)]
    [InlineData("informational", Severity.Informational)]
    [InlineData("info", Severity.Informational)]
    [InlineData("error", Severity.High)]
    [InlineData("warning", Severity.Medium)]
    [InlineData("Sev0", Severity.Critical)]
    [InlineData("Sev3", Severity.Low)]
    [InlineData("whatever", Severity.Medium)]
    public void Severity_words_map(string severity, Severity expected)
    {
        var alert = ParseSimple($$"""{ "title": "t", "id": "fp-1", "sev": "{{severity}}" }""");

        Assert.Equal(expected, alert.Severity);
    }

    [Fact]
    public void Missing_severity_is_medium_and_optional_paths_may_match_nothing()
    {
        var alert = ParseSimple("""{ "title": "t", "id": "fp-1" }""");

        Assert.Equal(Severity.Medium, alert.Severity);
        Assert.Equal(AlertStatus.Firing, alert.Status);
        Assert.Null(alert.Category);
        Assert.True(alert.Entities.IsEmpty);
    }

    [Fact]
    public void Timestamp_like_fingerprints_keep_their_spelling()
    {
        var alert = ParseSimple("""{ "title": "t", "id": "2025-03-14T03:12:44Z" }""");

        Assert.Equal("2025-03-14T03:12:44Z", alert.ExternalId);
    }

    [Theory]
    [InlineData("""{ "id": "fp" }""", "Mapping:Title")]
    [InlineData("""{ "title": "   ", "id": "fp" }""", "Mapping:Title")]
    [InlineData("""{ "title": { "text": "t" }, "id": "fp" }""", "Mapping:Title")]
    [InlineData("""{ "title": null, "id": "fp" }""", "Mapping:Title")]
    [InlineData("""{ "title": "t" }""", "Mapping:Fingerprint")]
    [InlineData("""{ "title": "t", "id": [] }""", "Mapping:Fingerprint")]
    [InlineData("""[]""", "Mapping:Title")]
    [InlineData("""null""", "Mapping:Title")]
    public void Missing_title_or_fingerprint_is_refused(string json, string field)
    {
        var error = Assert.Throws<AlertFormatException>(() => ParseSimple(json));

        Assert.Contains(field, error.Message, StringComparison.Ordinal);
        Assert.Contains("matched nothing", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("$.entities[")]
    [InlineData("$.a[?(@.b == )]")]
    [InlineData("$.a['b")]
    [InlineData("$.a[?(@.b == 'x')")]
    public void Invalid_jsonpath_is_a_configuration_error_at_create_time(string path)
    {
        var mapping = new GenericMapping { Title = "$.title", Fingerprint = "$.id", Ips = path };

        var error = Assert.Throws<ArgumentException>(() => AlertParsers.Create("generic", mapping));

        Assert.Contains("Mapping:Ips", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "$.id", "Title")]
    [InlineData("$.title", null, "Fingerprint")]
    [InlineData("  ", "$.id", "Title")]
    public void Title_and_fingerprint_must_be_mapped(string? title, string? fingerprint, string field)
    {
        var error = Assert.Throws<ArgumentException>(
            () => AlertParsers.Create("generic", new GenericMapping { Title = title, Fingerprint = fingerprint }));

        Assert.Contains("Mapping:" + field, error.Message, StringComparison.Ordinal);
    }

    private static NormalizedAlert ParseSimple(string json) => Assert.Single(AlertParsers
        .Create("generic", new GenericMapping { Title = "$.title", Fingerprint = "$.id", Severity = "$.sev", Status = "$.state", Category = "$.cat" })
        .Parse("s", Samples.Json(json)));
}
