using Hangfire;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Respond.Server.Hosting;

/// <summary>What every route shares: problems, JSON, health, telemetry, OpenAPI, the Hangfire dashboard.</summary>
public static class HostingModule
{
    private const string ApiDescription =
        "Respond's HTTP API: alert webhooks, incidents, playbooks and their runs, approvals, runbooks, metrics and the live " +
        "event feed. Every /api route but the webhooks needs a user: an API key as a bearer token, or the session cookie.";

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
        services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo { Title = "Respond", Version = "v1", Description = ApiDescription };
            return Task.CompletedTask;
        }));
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
        // Air-gapped SOCs: the page loads only what this server serves (Scalar's script is embedded in the package), so
        // no CDN fonts, no hosted AI agent or MCP, no telemetry, and no deploy toolbar or client button that lead out.
        app.MapScalarApiReference("/openapi", o => o
            .WithTitle("Respond API")
            .DisableDefaultFonts()
            .DisableAgent()
            .DisableMcp()
            .DisableTelemetry()
            .HideDeveloperTools()
            .HideClientButton()).AllowAnonymous();
        app.MapHangfireDashboardWithAuthorizationPolicy(
            "admin",
            "/hangfire",
            new DashboardOptions { Authorization = [], DashboardTitle = "Respond jobs", DisplayStorageConnectionString = false });
    }
}
