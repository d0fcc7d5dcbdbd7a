namespace Respond.Server.Incidents;

public static class IncidentEndpoints
{
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
