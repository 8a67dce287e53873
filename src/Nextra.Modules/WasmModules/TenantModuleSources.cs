using System.Text;
using Nextra.Modules.Engine;
using Nextra.Modules.WasmModules.Stores;
using Nextra.Pump.Wasm;

namespace Nextra.Modules.WasmModules;

/// <summary>
/// The registry's modules of one tenant for the engine: reads the store only (no flows, so no DI cycle), plus the qualified
/// <c>publisher/name</c> modules of the registered <see cref="IExternalModuleSource"/>s (the marketplace's installed tools,
/// checked at every load).
/// </summary>
internal sealed class TenantModuleSources(IWasmModuleStore store, IEnumerable<IExternalModuleSource>? externalSources = null) : ITenantModuleSources
{
    private readonly IExternalModuleSource[] _external = [.. externalSources ?? []];

    public async Task<IWasmModuleSource> ForTenantAsync(string tenantId, IReadOnlyCollection<string>? names, CancellationToken ct)
    {
        var source = new InMemoryWasmModuleSource();
        var qualified = names?.Where(n => n.Contains('/')).ToArray() ?? [];
        var external = new List<ExternalModule>();
        if (qualified.Length > 0)
            foreach (var provider in _external)
                external.AddRange(await provider.LoadAsync(tenantId, qualified, ct).ConfigureAwait(false));
        foreach (var row in await store.GetCodeAsync(tenantId, names, ct).ConfigureAwait(false))
        {
            var label = $"{row.Name}@{row.Version}";
            source.Add(row.Name, row.Version, row.Kind switch
            {
                "wat" => WasmCode.FromText(label, Encoding.UTF8.GetString(row.Content!)),
                "assemblyscript" => WasmCode.FromBinary(label, row.Wasm!),
                _ => WasmCode.FromBinary(label, row.Content!),
            });
        }
        return new TenantModuleSource(source, external);
    }

    public async Task<IReadOnlyList<string>> NamesByAgeAsync(string tenantId, CancellationToken ct) =>
        [.. (await store.ListAsync(tenantId, ct).ConfigureAwait(false))
            .GroupBy(r => r.Name, StringComparer.Ordinal)
            .Select(g => (Name: g.Key, First: g.Select(r => r.CreatedAt).Min(StringComparer.Ordinal)))
            .OrderBy(m => m.First, StringComparer.Ordinal).ThenBy(m => m.Name, StringComparer.Ordinal)
            .Select(m => m.Name)];
}
