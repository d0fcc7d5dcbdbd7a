using JasperFx.Events;
using Marten.Events.Aggregation;
using Respond.Domain.Incidents;

namespace Respond.Server.Incidents;

/// <summary>The incident document, kept in step with its stream inside the same transaction (inline).</summary>
public sealed partial class IncidentProjection : SingleStreamProjection<Incident, Guid>
{
    // Only its own stream's events: otherwise every write to another stream would look for a document by that stream's id.
    public IncidentProjection() => IncludeType<IIncidentEvent>();

    public override Incident? Evolve(Incident? snapshot, Guid id, IEvent e)
    {
        var next = Incident.Evolve(snapshot, e.Data);
        return next is null || e.Version <= 0 ? next : next with { Version = e.Version };
    }
}
