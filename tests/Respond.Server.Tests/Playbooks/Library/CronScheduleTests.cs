using Respond.Server.Playbooks.Library;

namespace Respond.Server.Tests.Playbooks.Library;

public class CronScheduleTests
{
    [Theory]
    [InlineData("0 2 * * *", null)]
    [InlineData("*/15 8-18 * * MON-FRI", "Europe/Amsterdam")]
    [InlineData("30 0 2 1,15 * ?", "UTC")]
    [InlineData("0 3 L * *", null)]
    [InlineData("0 9 * JAN,JUL 1#1", null)]
    [InlineData("@daily", null)]
    public void Five_and_six_field_expressions_and_macros_are_accepted(string cron, string? timeZone)
    {
        Assert.Null(CronSchedule.Problem(cron, timeZone));
    }

    [Theory]
    [InlineData("0 2 * *", "4 fields")]
    [InlineData("0 2 * * * * *", "7 fields")]
    [InlineData("61 2 * * *", "minute")]
    [InlineData("0 24 * * *", "hour")]
    [InlineData("0 2 0 * *", "days of month")]
    [InlineData("0 2 * 13 *", "month")]
    [InlineData("0 2 * * 8", "days of week")]
    [InlineData("*/0 2 * * *", "minutes")]
    [InlineData("@sometimes", "macro")]
    public void Broken_cron_says_what_is_wrong(string cron, string mentions)
    {
        Assert.Contains(mentions, CronSchedule.Problem(cron, null), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void An_unknown_time_zone_is_refused()
    {
        Assert.Contains("Mars/Olympus", CronSchedule.Problem("0 2 * * *", "Mars/Olympus"), StringComparison.Ordinal);
    }
}
