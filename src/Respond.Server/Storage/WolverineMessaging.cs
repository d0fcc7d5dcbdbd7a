using JasperFx;
using JasperFx.CodeGeneration;
using JasperFx.Core;
using Npgsql;
using Respond.Domain.Playbooks.Definitions;
using Wolverine;
using Wolverine.ErrorHandling;

namespace Respond.Server.Storage;

/// <summary>
/// Wolverine on the Marten outbox: every message is a row in PostgreSQL written in the transaction
/// that caused it (durable local queues), so work survives a crash and any node can finish it.
/// </summary>
public static class WolverineMessaging
{
    public static void AddWolverineMessaging(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        builder.Host.UseWolverine(opts =>
        {
            // Handlers are pre-generated (Internal/Generated, `codegen write`): no Roslyn at start-up.
            // Runtime compilation stays as the fallback for a handler added without regenerating.
            opts.CodeGeneration.TypeLoadMode = TypeLoadMode.Auto;
            opts.UseRuntimeCompilation();
            opts.Policies.UseDurableLocalQueues();
            opts.Policies.AutoApplyTransactions();

            // An action's attempt is bounded by its own timeout (twice it, token request included); Wolverine's default would
            // cancel a long restore or drill mid-way and run it again.
            opts.DefaultExecutionTimeout = DurationLimits.MaxActionTimeout * 2 + 5.Minutes();

            // Balanced: several nodes share one database, elect a leader, and take over a dead node's work.
            opts.Durability.Mode = configuration.GetValue("Respond:Messaging:Mode", DurabilityMode.Balanced);

            // Hangfire-like defaults of 5 s and more would leave a retry, an approval expiry or a dead node's
            // work waiting; SPEC §8 wants runs going again within 30 s of a restart.
            opts.Durability.ScheduledJobFirstExecution = 1.Seconds();
            opts.Durability.ScheduledJobPollingTime = 1.Seconds();
            opts.Durability.HealthCheckPollingTime = 2.Seconds();
            opts.Durability.StaleNodeTimeout = 10.Seconds();
            opts.Durability.FirstNodeReassignmentExecution = 1.Seconds();
            opts.Durability.NodeReassignmentPollingTime = 2.Seconds();
            opts.Durability.CheckAssignmentPeriod = 5.Seconds();

            // Steps wait on targets, not on CPU: let many run at once per node.
            var parallelism = configuration.GetValue("Respond:Messaging:Parallelism", 64);
            opts.Policies.AllLocalQueues(queue => queue.MaximumParallelMessages(parallelism));

            // A lost race re-decides on fresh state at once; a database blip waits and tries again.
            opts.OnException<ConcurrencyException>().RetryWithCooldown(10.Milliseconds(), 50.Milliseconds(), 200.Milliseconds())
                .Then.ScheduleRetry(1.Seconds(), 5.Seconds());
            opts.OnException<NpgsqlException>().RetryWithCooldown(250.Milliseconds(), 1.Seconds())
                .Then.ScheduleRetry(5.Seconds(), 30.Seconds(), 2.Minutes(), 10.Minutes());
            opts.Policies.OnAnyException().RetryWithCooldown(100.Milliseconds(), 1.Seconds())
                .Then.ScheduleRetry(5.Seconds(), 30.Seconds(), 5.Minutes());
        });
    }
}
