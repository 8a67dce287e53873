using Nextra.Pump.Wasm;

namespace Nextra.Modules.WasmModules;

/// <summary>A tenant's own modules plus the external (qualified) ones a flow names; a refused external module throws its code.</summary>
internal sealed class TenantModuleSource(InMemoryWasmModuleSource own, IReadOnlyList<ExternalModule> external) : IWasmModuleSource
{
    public WasmModuleRecord? Find(string name, string? version)
    {
        if (!name.Contains('/'))
            return own.Find(name, version);
        var match = external.Where(e => e.Name == name && (version is null || e.Version == version))
            .OrderBy(e => e.Version, WasmVersionOrder.Instance).LastOrDefault();
        if (match is null)
            return null;
        if (match.ErrorCode is { } code)
            throw new WasmModuleException(code, match.Error ?? code);
        return match.Record;
    }
}
