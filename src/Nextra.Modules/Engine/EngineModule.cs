using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
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
    public static IServiceCollection AddEngine(this IServiceCollection services, IConfiguration config)
    {
        services.AddTierDefaults(config); // code blocks per tier (validation, WASM caps)
        services.TryAddSingleton(sp =>
        {
            var dataDir = sp.GetRequiredService<IOptions<StorageOptions>>().Value.DataDir;
            return EngineSettings.From(config, dataDir);
        });
        // One Wasmtime engine and one compiler per process, shared with the module registry.
        services.TryAddSingleton(sp => new Nextra.Pump.Wasm.WasmRuntime(sp.GetRequiredService<EngineSettings>().Wasm));
        services.TryAddSingleton(sp => new Nextra.Pump.Wasm.AssemblyScript.AscCompiler(sp.GetRequiredService<EngineSettings>().Asc));
        services.TryAddSingleton(sp => new EngineKinds(sp.GetRequiredService<EngineSettings>(), modules: null,
            sp.GetRequiredService<Nextra.Pump.Wasm.WasmRuntime>(), sp.GetRequiredService<Nextra.Pump.Wasm.AssemblyScript.AscCompiler>()));
        services.TryAddSingleton(sp => sp.GetRequiredService<EngineKinds>().Registry);
        // Added, not tried: the pump-backed validator wins over the Flows module's syntax-only default whatever the order.
        services.AddSingleton<IFlowValidator, PumpFlowValidator>();
        services.TryAddSingleton<Orchestration.IFlowServicesFactory, EngineFlowServicesFactory>();
        // Embedded default; hosted mode adds the Redis-backed provider (the last registration wins).
        services.TryAddSingleton<ISharedStateProvider, InMemorySharedStateProvider>();
        return services;
    }
}
