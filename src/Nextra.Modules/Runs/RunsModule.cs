using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Nextra.Modules.Common;
using Nextra.Modules.Runs.Stores;
using Nextra.Modules.Storage;
using Nextra.Modules.Tiers;

namespace Nextra.Modules.Runs;

/// <summary>Execution history: the trace store (traces.db), run signals, run lookups, retention, and the runs API.</summary>
public static class RunsModule
{
    public static IServiceCollection AddRuns(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddNextraCommon();
        services.AddOptions<RunsOptions>().Bind(configuration.GetSection(RunsOptions.Section))
            .Validate(o => o.RetentionBatchSize > 0 && o.RetentionIntervalSeconds > 0, "Runs retention batch and interval must be positive")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddMigrations("runs", typeof(RunsModule).Assembly, Databases.Traces);
        services.AddStore<ITraceStore, SqliteTraceStore, PostgresTraceStore>();
        services.AddStore<IRunRollupStore, SqliteRunRollupStore, PostgresRunRollupStore>();
        // Embedded default; hosted mode adds the Redis-backed signals (the last registration wins).
        services.TryAddSingleton<InProcessRunSignals>();
        services.TryAddSingleton<IRunSignals>(sp => sp.GetRequiredService<InProcessRunSignals>());
        services.TryAddSingleton<RunQueries>();
        services.TryAddSingleton<IRunQueries>(sp => sp.GetRequiredService<RunQueries>());
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Add(RunsJsonContext.Default));
        services.AddTierDefaults(configuration); // retention per tier
        services.AddSingleton<Flows.ILastRunLookup, TraceLastRunLookup>();
        services.AddHostedService<RetentionService>();
        return services;
    }

    public static IEndpointRouteBuilder MapRuns(this IEndpointRouteBuilder app)
    {
        RunsEndpoints.Map(app);
        return app;
    }
}
