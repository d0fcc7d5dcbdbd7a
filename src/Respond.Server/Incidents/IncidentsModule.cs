using JasperFx.Events.Projections;
using Marten;
using Respond.Domain.Incidents;

namespace Respond.Server.Incidents;

/// <summary>Incidents: the aggregate's inline projection and indexes; <c>/api/incidents</c>, one file per use case.</summary>
public static class IncidentsModule
{
    public static void AddIncidents(this WebApplicationBuilder builder) => builder.Services.ConfigureMarten(options =>
    {
        // Inline: the API reads its own writes.
        options.Projections.Add(new IncidentProjection(), ProjectionLifecycle.Inline);
        // Real columns, not JSON expression indexes: cheaper to keep up on every incident write,
        // and the queue sorts and counts on them directly.
        options.Schema.For<Incident>()
            .Duplicate(x => x.OpenedAt)
            .Duplicate(x => x.Status)
            .Duplicate(x => x.Severity)
            .Duplicate(x => x.Assignee!);
    });

    public static void MapIncidents(this WebApplication app)
    {
        var group = app.MapGroup("/api/incidents").WithTags("Incidents");
        ListIncidents.Map(group);
        GetIncident.Map(group);
        GetTimeline.Map(group);
        OpenIncidentByHand.Map(group);
        AcknowledgeIncidentEndpoint.Map(group);
        AssignIncidentEndpoint.Map(group);
        ChangeSeverityEndpoint.Map(group);
        AddCommentEndpoint.Map(group);
        AddObservableEndpoint.Map(group);
        ContainIncidentEndpoint.Map(group);
        RecoverIncidentEndpoint.Map(group);
        CloseIncidentEndpoint.Map(group);
        ReopenIncidentEndpoint.Map(group);
    }
}
