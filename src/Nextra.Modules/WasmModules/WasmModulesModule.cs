using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Nextra.Modules.Common;
using Nextra.Modules.Engine;
using Nextra.Modules.Flows;
using Nextra.Modules.Storage;
using Nextra.Modules.Tiers;
using Nextra.Modules.WasmModules.Stores;
using Nextra.Pump.Wasm;
using Nextra.Pump.Wasm.AssemblyScript;

namespace Nextra.Modules.WasmModules;

/// <summary>
/// The module registry (config section <c>WasmModules</c>, <see cref="WasmModulesOptions"/>), and the tenant module
/// sources the engine's validator and running flows read. The WebAssembly runtime and the AssemblyScript compiler are
/// the engine's (<see cref="EngineModule"/>).
/// </summary>
public static class WasmModulesModule
{
    public static IServiceCollection AddWasmModules(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddNextraCommon();
        services.AddOptions<WasmModulesOptions>().Bind(configuration.GetSection(WasmModulesOptions.Section)).ValidateOnStart();
        // After accounts: rows reference tenants.
        services.AddMigrations("wasmmodules", typeof(WasmModulesModule).Assembly, after: "accounts");
        // The Wasmtime engine and the AssemblyScript compiler are the engine's (one per process, from [wasm] and [asc]).
        services.AddEngine(configuration);
        services.AddTierDefaults(configuration);
        services.AddStore<IWasmModuleStore, SqliteWasmModuleStore, PostgresWasmModuleStore>();
        services.TryAddSingleton(sp => new WasmModuleService(sp.GetRequiredService<IWasmModuleStore>(), sp.GetRequiredService<WasmRuntime>(),
            sp.GetRequiredService<AscCompiler>(), sp.GetRequiredService<IFlowLibrary>(), sp.GetRequiredService<IOptions<WasmModulesOptions>>(),
            sp.GetService<TimeProvider>() ?? TimeProvider.System, sp.GetRequiredService<ITierLimits>()));
        services.TryAddSingleton<IWasmModuleCode>(sp => sp.GetRequiredService<WasmModuleService>());
        // Added, not tried: wins over the engine's empty default whichever module registers first.
        services.AddSingleton<ITenantModuleSources, TenantModuleSources>();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Add(WasmModulesJsonContext.Default));
        return services;
    }

    public static IEndpointRouteBuilder MapWasmModules(this IEndpointRouteBuilder app)
    {
        WasmModulesEndpoints.Map(app);
        return app;
    }
}
