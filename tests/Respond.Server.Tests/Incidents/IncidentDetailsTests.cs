using System.Text.Json;
using Respond.Domain.Common;
using Respond.Domain.Incidents;
using Respond.Server.Hosting;
using Respond.Server.Incidents;
using Respond.Server.Playbooks.Runs;

namespace Respond.Server.Tests.Incidents;

public class IncidentDetailsTests
{
    private static readonly Incident Closed = new()
    {
        Id = Guid.NewGuid(),
        Version = 3,
        Title = "Brute force",
        Status = IncidentStatus.Closed,
        Severity = Severity.High,
        Classification = Classification.TruePositive,
        Sources = ["sentinel"],
        Comments = [new Comment(Guid.NewGuid(), "seen", "ana", DateTimeOffset.UnixEpoch)],
    };

    [Fact]
    public void The_answer_is_the_incident_with_its_runs_before_isClosed()
    {
        var run = new RunSummary(Guid.NewGuid(), "contain-host", "completed");
        var json = JsonSerializer.SerializeToNode(IncidentDetails.From(Closed, [run]), JsonConventions.Api)!.AsObject();
        var incident = JsonSerializer.SerializeToNode(Closed, JsonConventions.Api)!.AsObject();

        Assert.Equal([.. incident.Select(p => p.Key).SkipLast(1), "runs", "isClosed"], json.Select(p => p.Key));
        Assert.Equal("contain-host", json["runs"]![0]!["playbookId"]!.GetValue<string>());
        Assert.True(json["isClosed"]!.GetValue<bool>());
        Assert.Equal("true-positive", json["classification"]!.GetValue<string>());
    }

    [Fact]
    public void Expressions_see_the_answer_with_no_runs_as_they_always_did()
    {
        var answer = JsonSerializer.SerializeToNode(IncidentDetails.From(Closed, []), JsonConventions.Api)!;

        Assert.Equal(answer.ToJsonString(JsonConventions.Api), IncidentScope.JsonOf(Closed)!.ToJsonString(JsonConventions.Api));
    }
}
