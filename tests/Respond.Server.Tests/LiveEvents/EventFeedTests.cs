using Respond.Server.LiveEvents;

namespace Respond.Server.Tests.LiveEvents;

/// <summary>The fan-out alone: a stream that does not read is cut off at its buffer, and never holds more.</summary>
public class EventFeedTests
{
    private static FeedItem Item(long sequence) =>
        new(sequence, FeedItem.IncidentKind, "CommentAdded", Guid.NewGuid(), sequence, DateTimeOffset.UtcNow, "someone", "Comment added.");

    [Fact]
    public async Task A_client_that_does_not_read_is_cut_off_at_its_buffer_and_the_others_go_on()
    {
        var feed = new EventFeed(new LiveEventsOptions(TimeSpan.FromSeconds(15), 10, 1_000, 16));
        feed.Start(100);
        using var slow = feed.Subscribe("slow")!;
        using var quick = feed.Subscribe("quick")!;
        Assert.Equal(100, slow.Start);

        var received = 0;
        for (var s = 101L; s <= 140; s++)
        {
            feed.Publish([Item(s)], s);
            while (quick.Items.TryRead(out _))
            {
                received++;
            }
        }

        Assert.Equal(40, received);
        Assert.False(quick.Overrun);
        Assert.True(slow.Overrun);
        Assert.Equal(16, slow.Items.Count);
        var drained = 0;
        await foreach (var _ in slow.Items.ReadAllAsync())
        {
            drained++;
        }

        Assert.Equal(16, drained); // then the channel is complete: the stream ends and the browser reconnects
        Assert.Equal(140, feed.Position);
        using var late = feed.Subscribe("late")!;
        Assert.Equal(140, late.Start);
    }

    [Fact]
    public void A_user_past_the_cap_gets_no_stream_until_one_closes()
    {
        var feed = new EventFeed(new LiveEventsOptions(TimeSpan.FromSeconds(15), 2, 1_000, 16));
        var a = feed.Subscribe("u")!;
        using var b = feed.Subscribe("u")!;
        Assert.Null(feed.Subscribe("u"));
        a.Dispose();
        using var c = feed.Subscribe("u");
        Assert.NotNull(c);
    }

    [Fact]
    public void The_position_skips_ahead_only_while_nobody_listens()
    {
        var feed = new EventFeed(new LiveEventsOptions(TimeSpan.FromSeconds(15), 10, 1_000, 16));
        feed.Start(5);
        Assert.True(feed.TryAdvanceIdle(9));
        using var listener = feed.Subscribe("u")!;
        Assert.Equal(9, listener.Start);
        Assert.False(feed.TryAdvanceIdle(12)); // the listener would miss 10 to 12: they must be published, not skipped
        Assert.Equal(9, feed.Position);
    }
}
