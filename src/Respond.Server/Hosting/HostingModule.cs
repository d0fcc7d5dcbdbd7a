using Hangfire;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Json;
using Scalar.AspNetCore;

namespace Respond.Server.Hosting;

/// <summary>What every route shares: problems, JSON, health, telemetry, OpenAPI, the Hangfire dashboard.</summary>
public static class HostingModule
{
    public static void AddHosting(this WebApplicationBuilder builder)
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

    public static void UseHosting(this WebApplication app)
    {
        app.UseForwardedHeaders(); // first: everything after sees the client's scheme and address
        app.UseMiddleware<RequestLogging>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<QueryGuard>();
    }

    public static void MapHosting(this WebApplication app)
    {
        app.MapRespondHealthChecks();
        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference("/openapi", o => o.WithTitle("Respond API")).AllowAnonymous();
        app.MapHangfireDashboardWithAuthorizationPolicy(
            "admin",
            "/hangfire",
            new DashboardOptions { Authorization = [], DashboardTitle = "Respond jobs", DisplayStorageConnectionString = false });
    }
}
