using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Nextra.Modules.Common;
using Nextra.Modules.Flows.Stores;
using Nextra.Modules.Flows.Validation;
using Nextra.Modules.Storage;
using Nextra.Modules.Tiers;

namespace Nextra.Modules.Flows;

/// <summary>Flow CRUD, versions, import/export and validation.</summary>
public static class FlowsModule
{
    public static IServiceCollection AddFlows(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddNextraCommon();
        services.AddTierDefaults(configuration);
        // After accounts: flows reference tenants.
        services.AddMigrations("flows", typeof(FlowsModule).Assembly, after: "accounts");
        services.AddStore<IFlowStore, SqliteFlowStore, PostgresFlowStore>();
        services.TryAddSingleton<IFlowValidator, YamlSyntaxValidator>();
        services.TryAddSingleton<ILastRunLookup, NoLastRuns>();
        services.TryAddSingleton<FlowService>();
        services.TryAddSingleton<IFlowLibrary, FlowLibrary>();
        services.TryAddSingleton<IFlowCatalog, FlowCatalog>();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Add(FlowsJsonContext.Default));
        return services;
    }

    public static IEndpointRouteBuilder MapFlows(this IEndpointRouteBuilder app)
    {
        FlowsEndpoints.Map(app);
        FlowTemplates.Map(app);
        return app;
    }
}
