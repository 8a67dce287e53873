using System.Text;
using Nextra.Modules.Engine;
using Nextra.Modules.WasmModules.Stores;
using Nextra.Pump.Wasm;

namespace Nextra.Modules.WasmModules;

/// <summary>The registry's modules of one tenant for the engine: reads the store only (no flows, so no DI cycle).</summary>
internal sealed class TenantModuleSources(IWasmModuleStore store) : ITenantModuleSources
{
    public async Task<IWasmModuleSource> ForTenantAsync(string tenantId, IReadOnlyCollection<string>? names, CancellationToken ct)
    {
        var source = new InMemoryWasmModuleSource();
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
        return source;
    }
}
