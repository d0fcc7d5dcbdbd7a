using JasperFx.Events;
using Marten;
using Respond.Domain.Playbooks.Runs;
using Wolverine.Runtime;

namespace Respond.Server.Playbooks.Runs;

/// <summary>A run read for one transition: its session on the outbox, and its stream with the version as the fence.</summary>
public sealed class RunWrite : IAsyncDisposable
{
    internal RunWrite(Guid runId, MessageContext bus, IDocumentSession session, IEventStream<PlaybookRun> stream)
    {
        RunId = runId;
        Bus = bus;
        Session = session;
        Stream = stream;
    }

    public Guid RunId { get; }

    /// <summary>The run as read, or null when there is none.</summary>
    public PlaybookRun? Run => Stream.Aggregate;

    internal MessageContext Bus { get; }

    internal IDocumentSession Session { get; }

    internal IEventStream<PlaybookRun> Stream { get; }

    public ValueTask DisposeAsync() => Session.DisposeAsync();
}
