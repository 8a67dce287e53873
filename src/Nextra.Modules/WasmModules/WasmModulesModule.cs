using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Nextra.Modules.Common;
using Nextra.Modules.Flows;
using Nextra.Modules.Storage;
using Nextra.Modules.Tiers;
using Nextra.Modules.WasmModules.Stores;
using Nextra.Pump.Wasm;
using Nextra.Pump.Wasm.AssemblyScript;

namespace Nextra.Modules.WasmModules;

/// <summary>
/// The module registry and the process-wide WebAssembly runtime and AssemblyScript compiler.
/// Register after AddFlows. Config sections: <c>Wasm</c> (<see cref="WasmOptions"/>),
/// <c>Asc</c> (<see cref="AscOptions"/>), <c>WasmModules</c> (<see cref="WasmModulesOptions"/>).
/// </summary>
public static class WasmModulesModule
{
    public static IServiceCollection AddWasmModules(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddNextraCommon();
        services.AddOptions<WasmModulesOptions>().Bind(configuration.GetSection(WasmModulesOptions.Section)).ValidateOnStart();
        services.AddOptions<WasmOptions>().Bind(configuration.GetSection(WasmOptions.Section));
        services.AddOptions<AscOptions>().Bind(configuration.GetSection(AscOptions.Section));
        // After accounts: rows reference tenants.
        services.AddMigrations("wasmmodules", typeof(WasmModulesModule).Assembly, after: "accounts");
        // Compiled modules and AssemblyScript builds are cached under the data directory unless configured elsewhere.
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<WasmOptions>>().Value;
            options.CacheDirectory ??= Path.Combine(DataDir(sp), "wasm-cache");
            return new WasmRuntime(options);
        });
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<AscOptions>>().Value;
            options.CacheDirectory ??= Path.Combine(DataDir(sp), "asc-cache");
            return new AscCompiler(options);
        });
        services.AddTierDefaults(configuration);
        services.AddStore<IWasmModuleStore, SqliteWasmModuleStore, PostgresWasmModuleStore>();
        services.TryAddSingleton(sp => new WasmModuleService(sp.GetRequiredService<IWasmModuleStore>(), sp.GetRequiredService<WasmRuntime>(),
            sp.GetRequiredService<AscCompiler>(), sp.GetRequiredService<FlowService>(), sp.GetRequiredService<IOptions<WasmModulesOptions>>(),
            sp.GetService<TimeProvider>() ?? TimeProvider.System, sp.GetRequiredService<ITierLimits>(),
            sp.GetServices<IExternalModuleSource>()));
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Add(WasmModulesJsonContext.Default));
        return services;
    }

    public static IEndpointRouteBuilder MapWasmModules(this IEndpointRouteBuilder app)
    {
        WasmModulesEndpoints.Map(app);
        return app;
    }

    private static string DataDir(IServiceProvider sp) => Path.GetFullPath(sp.GetRequiredService<IOptions<StorageOptions>>().Value.DataDir);
}
