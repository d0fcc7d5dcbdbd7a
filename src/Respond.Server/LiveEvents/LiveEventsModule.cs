namespace Respond.Server.LiveEvents;

/// <summary>The console's live feed: <c>GET /api/events</c> (server-sent events) and the one reader behind it.</summary>
public static class LiveEventsModule
{
    public static void AddLiveEvents(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(LiveEventsOptions.From(builder.Configuration));
        builder.Services.AddSingleton<EventFeed>();
        builder.Services.AddHostedService<EventFeedReader>();
    }

    public static void MapLiveEvents(this WebApplication app)
    {
        var group = app.MapGroup("/api/events").WithTags("Live events");
        StreamEvents.Map(group);
    }
}
