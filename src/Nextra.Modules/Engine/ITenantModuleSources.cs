using Nextra.Pump.Wasm;

namespace Nextra.Modules.Engine;

/// <summary>
/// A tenant's registered WASM modules as a code-block module source: what the validator and running flows need of
/// the module registry, and nothing more (the registry's own service depends on flows for its in-use checks, so the
/// engine asks this small contract instead). Implemented by the WasmModules module; without it, no tenant has modules.
/// </summary>
public interface ITenantModuleSources
{
    /// <summary>
    /// A snapshot of the tenant's modules (load it when a flow is validated or started). Pass <paramref name="names"/>
    /// (e.g. <see cref="ModuleReferences.Names"/> of the flow's YAML) to load only what the flow uses; null loads all.
    /// </summary>
    Task<IWasmModuleSource> ForTenantAsync(string tenantId, IReadOnlyCollection<string>? names, CancellationToken ct);

    /// <summary>
    /// The names of the tenant's registry modules, the first uploaded first: a tier's <c>wasm_modules</c> lets new saves
    /// use the first N (after a downgrade, the rest stay stored but cannot be used by new saves).
    /// </summary>
    Task<IReadOnlyList<string>> NamesByAgeAsync(string tenantId, CancellationToken ct) => Task.FromResult<IReadOnlyList<string>>([]);
}

/// <summary>The default when no module registry is composed: every tenant's registry is empty.</summary>
internal sealed class NoTenantModules : ITenantModuleSources
{
    public Task<IWasmModuleSource> ForTenantAsync(string tenantId, IReadOnlyCollection<string>? names, CancellationToken ct) =>
        Task.FromResult<IWasmModuleSource>(new InMemoryWasmModuleSource());
}
