using Hangfire;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Json;
using Scalar.AspNetCore;

namespace Respond.Server.Hosting;

public static class HostingSetup
{
    public static void AddRespondHosting(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.Configure<JsonOptions>(o => JsonConventions.Apply(o.SerializerOptions));
        services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
            c.ProblemDetails.Extensions["requestId"] = c.HttpContext.TraceIdentifier);
        services.AddSingleton<IProblemDetailsWriter, AnyAcceptProblemWriter>(); // after ASP.NET's own: the fallback
        services.AddExceptionHandler<StorageUnavailableHandler>();
        services.AddExceptionHandler<BadRequestHandler>();
        services.Configure<RouteOptions>(o => o.SetParameterPolicy<NonEmptyGuidConstraint>("guid"));
        services.AddOpenApi();
        services.AddAntiforgery();
        services.AddRespondHealthChecks();
        builder.AddTrustedProxies();
        builder.AddRespondTelemetry();
    }

    public static void UseRespondHosting(this WebApplication app)
    {
        app.UseForwardedHeaders(); // first: everything after sees the client's scheme and address
        app.UseMiddleware<RequestLogging>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<QueryGuard>();
    }

    public static void MapRespondHosting(this WebApplication app)
    {
        app.MapRespondHealthChecks();
        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference("/openapi", o => o.WithTitle("Respond API")).AllowAnonymous();
        app.MapHangfireDashboardWithAuthorizationPolicy(
            "admin",
            "/hangfire",
            new DashboardOptions { Authorization = [], DashboardTitle = "Respond jobs", DisplayStorageConnectionString = false });
        app.MapFallback("/api/{**rest}", () => Problems.NotFound("There is no such API route.")).RequireAuthorization(Auth.Roles.Viewer);
    }
}

/// <summary>PostgreSQL down is not a bug: 503 with Retry-After, so senders try again.</summary>
internal sealed class StorageUnavailableHandler(IProblemDetailsService problems, ILogger<StorageUnavailableHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (!Storage.StorageFailures.IsUnavailable(exception))
        {
            return false;
        }

        logger.LogWarning("Storage unavailable: {Reason}", exception.GetBaseException().Message);
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = "5";
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Storage is unavailable.",
                Detail = "Nothing was stored. Try again after the Retry-After interval.",
            },
        });
    }
}
