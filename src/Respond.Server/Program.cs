using JasperFx;
using Respond.Server.Alerts;
using Respond.Server.Approvals;
using Respond.Server.Auth;
using Respond.Server.Connectors;
using Respond.Server.Hosting;
using Respond.Server.Incidents;
using Respond.Server.LiveEvents;
using Respond.Server.Metrics;
using Respond.Server.Playbooks.Library;
using Respond.Server.Playbooks.Runs;
using Respond.Server.Runbooks;
using Respond.Server.Sources;
using Respond.Server.Storage;
using Respond.Server.Storage.Embedded;
using Respond.Server.WebConsole;

var builder = WebApplication.CreateBuilder(args);
builder.WebHost.UseDefaultRespondUrl();
if (args is ["codegen", ..])
{
    // Code generation only describes the handlers: it needs no database, so none is started.
    builder.Configuration["ConnectionStrings:Respond"] ??= "Host=127.0.0.1;Database=codegen";
}

try
{
    builder.AddStorage();
}
catch (EmbeddedPostgresException ex)
{
    // One clear sentence instead of a stack trace: the operator has something to install or configure.
    Console.Error.WriteLine(ex.Message);
    return 1;
}

builder.AddHosting();
builder.AddAuth();
builder.AddAlerts();
builder.AddSources();
builder.AddIncidents();
builder.AddMetrics();
builder.AddConnectors();
builder.AddPlaybookLibrary();
builder.AddPlaybookRuns();
builder.AddRunbooks();
builder.AddLiveEvents();
builder.AddConsole();

var app = builder.Build();

app.UseHosting();
app.UseConsoleFiles();
app.UseAuth();

app.MapHosting();
app.MapAuth();
app.MapAlerts();
app.MapSources();
app.MapIncidents();
app.MapMetrics();
app.MapConnectors();
app.MapPlaybookLibrary();
app.MapPlaybookRuns();
app.MapApprovals();
app.MapRunbooks();
app.MapLiveEvents();
app.MapConsole();

// `codegen write` pre-generates Wolverine's handler code into Internal/Generated (see README).
if (args is ["codegen", ..])
{
    return await app.RunJasperFxCommands(args);
}

await app.RunAsync();
return 0;

/// <summary>Entry point marker for the test host.</summary>
public partial class Program;
