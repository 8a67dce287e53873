using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Nextra.Modules.Common;
using Nextra.Modules.Flows;
using Nextra.Modules.Memory.Stores;
using Nextra.Modules.Storage;
using Nextra.Modules.Tiers;

namespace Nextra.Modules.Memory;

/// <summary>Project memory: the API and the per-flow <see cref="Nextra.Pump.Handlers.IProjectMemory"/>.</summary>
public static class MemoryModule
{
    public static IServiceCollection AddProjectMemory(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddNextraCommon();
        services.AddOptions<MemoryOptions>().Bind(configuration.GetSection(MemoryOptions.Section)).ValidateOnStart();
        // After flows: rows reference flows(id) and cascade with them.
        services.AddMigrations("memory", typeof(MemoryModule).Assembly, after: "flows");
        services.AddStore<IProjectMemoryStore, SqliteProjectMemoryStore, PostgresProjectMemoryStore>();
        services.AddTierDefaults(configuration);
        services.TryAddSingleton(sp => new ProjectMemoryService(sp.GetRequiredService<IProjectMemoryStore>(),
            sp.GetRequiredService<IFlowCatalog>(), sp.GetRequiredService<IOptions<MemoryOptions>>(), sp.GetService<TimeProvider>() ?? TimeProvider.System,
            sp.GetRequiredService<ITierLimits>()));
        services.TryAddSingleton<IProjectMemories>(sp => sp.GetRequiredService<ProjectMemoryService>());
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Add(MemoryJsonContext.Default));
        return services;
    }

    public static IEndpointRouteBuilder MapProjectMemory(this IEndpointRouteBuilder app)
    {
        MemoryEndpoints.Map(app);
        return app;
    }
}
