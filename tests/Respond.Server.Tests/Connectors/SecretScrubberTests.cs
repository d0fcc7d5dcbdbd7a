using Microsoft.Extensions.Configuration;
using Respond.Server.Connectors;

namespace Respond.Server.Tests.Connectors;

public sealed class SecretScrubberTests
{
    [Fact]
    public void A_connection_strings_password_is_masked_and_the_rest_of_it_is_not()
    {
        var scrubber = For(new() { ["ConnectionString"] = "Host=db.internal;Port=5433;Username=backup;Password=Tr0ub4dor&3;Database=postgres" });

        var text = scrubber.Scrub("connecting to db.internal:5433 as backup with Tr0ub4dor&3 (Host=db.internal;Password=Tr0ub4dor&3)");

        Assert.Equal("connecting to db.internal:5433 as backup with [redacted] (Host=db.internal;Password=[redacted])", text);
    }

    [Fact]
    public void A_quoted_password_is_masked_as_the_server_sees_it()
    {
        var scrubber = For(new() { ["connectionstring"] = "Host=db;Username=u;Password='semi;colon pass'" });

        Assert.Equal("password [redacted] refused", scrubber.Scrub("password semi;colon pass refused"));
    }

    [Fact]
    public void A_connection_string_Npgsql_cannot_read_is_masked_whole()
    {
        var scrubber = For(new() { ["ConnectionString"] = "Host=db;Port=not-a-port;Password=hunter22" });

        Assert.Equal("bad: [redacted]", scrubber.Scrub("bad: Host=db;Port=not-a-port;Password=hunter22"));
    }

    [Fact]
    public void A_connection_string_without_a_password_masks_nothing()
    {
        var scrubber = For(new() { ["ConnectionString"] = "Host=db;Username=backup" });

        Assert.Equal("Host=db;Username=backup", scrubber.Scrub("Host=db;Username=backup"));
    }

    private static SecretScrubber For(Dictionary<string, string?> settings) =>
        SecretScrubber.For(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
}
