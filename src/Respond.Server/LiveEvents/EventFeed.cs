using System.Threading.Channels;

namespace Respond.Server.LiveEvents;

/// <summary>
/// The process's one fan-out of feed items to its open streams. The reader publishes in sequence order and moves
/// <see cref="Position"/> under the same lock a subscriber joins under, so a new subscriber's start position splits the
/// events exactly: those at or below it come from the database (replay), those above it through its channel.
/// </summary>
public sealed class EventFeed(LiveEventsOptions options)
{
    private readonly Lock gate = new();
    private readonly List<Subscription> subscriptions = [];
    private readonly TaskCompletionSource ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long position;

    /// <summary>Completes once the reader knows where the event store stands.</summary>
    public Task Ready => ready.Task;

    /// <summary>The highest sequence published so far (every event at or below it has been handed out or skipped).</summary>
    public long Position
    {
        get
        {
            lock (gate)
            {
                return position;
            }
        }
    }

    public int Count
    {
        get
        {
            lock (gate)
            {
                return subscriptions.Count;
            }
        }
    }

    public void Start(long at)
    {
        lock (gate)
        {
            position = at;
        }

        ready.TrySetResult();
    }

    /// <summary>A new stream for <paramref name="user"/>, or null when the user already has the most allowed.</summary>
    public Subscription? Subscribe(string user)
    {
        lock (gate)
        {
            if (subscriptions.Count(s => s.User == user) >= options.MaxStreamsPerUser)
            {
                return null;
            }

            var subscription = new Subscription(this, user, position, options.ClientBuffer);
            subscriptions.Add(subscription);
            return subscription;
        }
    }

    /// <summary>Hands <paramref name="items"/> to every stream and moves the position to <paramref name="upTo"/>.</summary>
    public void Publish(IReadOnlyList<FeedItem> items, long upTo)
    {
        lock (gate)
        {
            foreach (var subscription in subscriptions)
            {
                foreach (var item in items)
                {
                    if (!subscription.Offer(item))
                    {
                        break;
                    }
                }
            }

            position = Math.Max(position, upTo);
        }
    }

    /// <summary>Moves the position past events nobody needed, but only while nobody listens; false if someone does.</summary>
    public bool TryAdvanceIdle(long upTo)
    {
        lock (gate)
        {
            if (subscriptions.Count > 0)
            {
                return false;
            }

            position = Math.Max(position, upTo);
            return true;
        }
    }

    private void Remove(Subscription subscription)
    {
        lock (gate)
        {
            subscriptions.Remove(subscription);
        }
    }

    /// <summary>
    /// One open stream. Its channel is bounded: a client that falls that far behind is cut off (its channel completes with
    /// <see cref="Overrun"/> set) rather than let the server's memory grow; it reconnects and replays from the database.
    /// </summary>
    public sealed class Subscription : IDisposable
    {
        private readonly EventFeed feed;
        private readonly Channel<FeedItem> channel;

        internal Subscription(EventFeed feed, string user, long start, int capacity)
        {
            this.feed = feed;
            User = user;
            Start = start;
            channel = Channel.CreateBounded<FeedItem>(new BoundedChannelOptions(capacity)
            {
                SingleReader = true,
                SingleWriter = true,
                FullMode = BoundedChannelFullMode.Wait, // TryWrite then fails instead of waiting: the signal to cut off
            });
        }

        public string User { get; }

        /// <summary>The feed's position when this stream joined: every later event arrives through <see cref="Items"/>.</summary>
        public long Start { get; }

        public bool Overrun { get; private set; }

        public ChannelReader<FeedItem> Items => channel.Reader;

        internal bool Offer(FeedItem item)
        {
            if (channel.Writer.TryWrite(item))
            {
                return true;
            }

            if (!Overrun)
            {
                Overrun = true;
                channel.Writer.TryComplete();
            }

            return false;
        }

        public void Dispose()
        {
            channel.Writer.TryComplete();
            feed.Remove(this);
        }
    }
}
