using JasperFx.Events;
using Marten.Events.Aggregation;
using Respond.Domain.Playbooks.Runs;

namespace Respond.Server.Playbooks.Runs;

/// <summary>The run document, kept in step with its stream inside the same transaction (inline).</summary>
public sealed partial class RunProjection : SingleStreamProjection<PlaybookRun, Guid>
{
    // Only its own stream's events: otherwise every write to another stream would look for a document by that stream's id.
    public RunProjection() => IncludeType<IRunEvent>();

    public override PlaybookRun? Evolve(PlaybookRun? snapshot, Guid id, IEvent e)
    {
        var next = PlaybookRun.Evolve(snapshot, e.Data);
        return next is null || e.Version <= 0 ? next : next with { Version = e.Version };
    }
}
