using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Nextra.Modules.Common;
using Nextra.Modules.Flows.Validation;
using Nextra.Modules.Storage;
using Nextra.Modules.Tiers;
using Nextra.Pump.Handlers;

namespace Nextra.Modules.Engine;

/// <summary>
/// Wires the pump's handler kinds into the server: one <see cref="EngineKinds"/> (Wasmtime engine,
/// AssemblyScript compiler, egress client), the <see cref="HandlerRegistry"/> every pump and the flow
/// validator use, and the pump-backed <see cref="IFlowValidator"/>.
/// </summary>
public static class EngineModule
{
    /// <summary>Idempotent: modules that need the engine's runtime (the module registry) call it too, in any order.</summary>
    public static IServiceCollection AddEngine(this IServiceCollection services, IConfiguration config)
    {
        if (services.Any(d => d.ServiceType == typeof(EngineKinds))) return services;
        services.AddTierDefaults(config); // code blocks per tier (validation, WASM caps)
        services.TryAddSingleton(sp =>
        {
            var dataDir = sp.GetRequiredService<IOptions<StorageOptions>>().Value.DataDir;
            return EngineSettings.From(config, dataDir);
        });
        // A bad [egress]/[wasm]/[asc]/[plugins] value stops the server at start, not the first flow that runs.
        services.AddStartupCheck<EngineSettings>();
        // One Wasmtime engine and one compiler per process, shared with the module registry.
        services.TryAddSingleton(sp => new Nextra.Pump.Wasm.WasmRuntime(sp.GetRequiredService<EngineSettings>().Wasm));
        services.TryAddSingleton(sp => new Nextra.Pump.Wasm.AssemblyScript.AscCompiler(sp.GetRequiredService<EngineSettings>().Asc));
        services.TryAddSingleton(sp => new EngineKinds(sp.GetRequiredService<EngineSettings>(), modules: null,
            sp.GetRequiredService<Nextra.Pump.Wasm.WasmRuntime>(), sp.GetRequiredService<Nextra.Pump.Wasm.AssemblyScript.AscCompiler>()));
        services.TryAddSingleton(sp => sp.GetRequiredService<EngineKinds>().Registry);
        // Added, not tried: the pump-backed validator wins over the Flows module's syntax-only default whatever the order.
        services.AddSingleton<IFlowValidator, PumpFlowValidator>();
        services.TryAddSingleton<Orchestration.IFlowServicesFactory, EngineFlowServicesFactory>();
        // No registry composed: no tenant has modules (the WasmModules module adds the real one, whatever the order).
        services.TryAddSingleton<ITenantModuleSources, NoTenantModules>();
        // Embedded default; hosted mode adds the Redis-backed provider (the last registration wins).
        services.TryAddSingleton<ISharedStateProvider, InMemorySharedStateProvider>();
        return services;
    }
}
