using System.Collections.Concurrent;

namespace Nextra.Pump.Wasm;

/// <summary>Modules held in memory (tests, embedding). Latest = highest version by <see cref="WasmVersionOrder"/>.</summary>
public sealed class InMemoryWasmModuleSource : IWasmModuleSource
{
    private readonly ConcurrentDictionary<(string Name, string Version), WasmCode> _modules = new();

    public InMemoryWasmModuleSource Add(string name, string version, WasmCode code)
    {
        _modules[(name, version)] = code;
        return this;
    }

    public WasmModuleRecord? Find(string name, string? version)
    {
        if (version is not null)
            return _modules.TryGetValue((name, version), out var code) ? new WasmModuleRecord(name, version, code) : null;
        var latest = _modules.Keys.Where(k => k.Name == name).Select(k => k.Version).OrderBy(v => v, WasmVersionOrder.Instance).LastOrDefault();
        return latest is null ? null : new WasmModuleRecord(name, latest, _modules[(name, latest)]);
    }
}
