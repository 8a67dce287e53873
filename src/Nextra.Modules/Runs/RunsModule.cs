using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Nextra.Modules.Runs.Stores;
using Nextra.Modules.Storage;
using Nextra.Modules.Tiers;

namespace Nextra.Modules.Runs;

/// <summary>Execution history: traces.db, the run recorder, retention, and the runs API.</summary>
public static class RunsModule
{
    public static IServiceCollection AddRuns(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RunsOptions>().Bind(configuration.GetSection(RunsOptions.Section))
            .Validate(o => o.RetentionBatchSize > 0 && o.RetentionIntervalSeconds > 0, "Runs retention batch and interval must be positive")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        // traces.db is its own file (not through ISqliteConnectionFactory's migrations) because it must be
        // created with auto_vacuum=INCREMENTAL before its first table, which the shared runner cannot do.
        services.TryAddSingleton(sp => new TraceStore(Path.Combine(
            sp.GetRequiredService<IOptions<StorageOptions>>().Value.DataDir, sp.GetRequiredService<IOptions<RunsOptions>>().Value.TracesFile)));
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Add(RuntimeJsonContext.Default));
        services.TryAddSingleton<RunWaiters>();
        services.TryAddSingleton<RunRecorder>();
        services.AddTierDefaults(configuration); // retention per tier
        services.Replace(ServiceDescriptor.Singleton<Flows.ILastRunLookup, TraceLastRunLookup>());
        services.AddHostedService<RetentionService>();
        return services;
    }

    public static IEndpointRouteBuilder MapRuns(this IEndpointRouteBuilder app)
    {
        RunsEndpoints.Map(app);
        return app;
    }
}
