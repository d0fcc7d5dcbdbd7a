using Respond.Domain.Alerts;
using Respond.Domain.Alerts.Formats;

namespace Respond.Domain.Tests.Alerts;

public class AlertParsersTests
{
    [Fact]
    public void Kinds_are_the_five_the_contract_names()
    {
        Assert.Equal(["azure-monitor", "defender", "alertmanager", "grafana", "generic"], AlertParsers.Kinds);
    }

    [Theory]
    [InlineData("azure-monitor", typeof(AzureMonitorParser))]
    [InlineData("defender", typeof(DefenderParser))]
    [InlineData("alertmanager", typeof(AlertmanagerParser))]
    [InlineData("grafana", typeof(GrafanaParser))]
    [InlineData(" Alertmanager ", typeof(AlertmanagerParser))]
    public void Create_gives_the_kind_s_parser(string kind, Type expected)
    {
        Assert.IsType(expected, Assert.IsType<UnicodeGuardedParser>(AlertParsers.Create(kind)).Inner);
    }

    [Fact]
    public void Generic_needs_a_mapping()
    {
        Assert.Throws<ArgumentException>(() => AlertParsers.Create("generic"));
        var parser = AlertParsers.Create("generic", new GenericMapping { Title = "$.t", Fingerprint = "$.f" });
        Assert.IsType<GenericParser>(Assert.IsType<UnicodeGuardedParser>(parser).Inner);
    }

    [Theory]
    [InlineData("splunk")]
    [InlineData("")]
    [InlineData("azure_monitor")]
    public void Unknown_kind_is_an_argument_error(string kind)
    {
        var error = Assert.Throws<ArgumentException>(() => AlertParsers.Create(kind));

        Assert.Contains("azure-monitor", error.Message, StringComparison.Ordinal);
    }
}
