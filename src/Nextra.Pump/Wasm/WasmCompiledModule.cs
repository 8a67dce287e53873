using Wasmtime;

namespace Nextra.Pump.Wasm;

/// <summary>A compiled module, shared by every flow that uses the same code (owned by <see cref="WasmRuntime"/>).</summary>
public sealed class WasmCompiledModule
{
    internal WasmCompiledModule(string name, string hash, Module module)
    {
        Name = name;
        Hash = hash;
        Module = module;
    }

    public string Name { get; }
    /// <summary>SHA-256 (hex) of engine fingerprint + code; the disk-cache file name.</summary>
    public string Hash { get; }
    internal Module Module { get; }

    /// <summary>Imports as <c>module.name</c>, for display and registry checks.</summary>
    public IReadOnlyList<string> ImportNames => Module.Imports.Select(i => $"{i.ModuleName}.{i.Name}").ToList();

    /// <summary>The capabilities the module's imports need (unknown imports are ignored here; see <see cref="CheckImports"/>).</summary>
    public WasmCapabilities RequiredCapabilities => Module.Imports
        .Where(i => i.ModuleName == WasmCapabilityNames.HostModule)
        .Aggregate(WasmCapabilities.None, (acc, i) => acc | WasmCapabilityNames.Required(i.Name));

    /// <summary>One message per import that is unknown, has the wrong signature, or is not granted.</summary>
    public IReadOnlyList<string> CheckImports(WasmCapabilities granted)
    {
        var problems = new List<string>();
        foreach (var import in Module.Imports)
        {
            var full = $"{import.ModuleName}.{import.Name}";
            var needed = import.ModuleName == WasmCapabilityNames.HostModule ? WasmCapabilityNames.Required(import.Name) : WasmCapabilities.None;
            if (needed == WasmCapabilities.None)
            {
                // No WASI, clock, random or env: the only host surface is module "nextra".
                problems.Add($"import '{full}' is not a Nextra host function (allowed: nextra.log, nextra.kv_get, nextra.kv_set, nextra.kv_delete, nextra.http_fetch)");
            }
            else if ((granted & needed) == 0)
            {
                problems.Add($"import '{full}' needs capability '{WasmCapabilityNames.Name(needed)}', which the block does not grant (capabilities: [{string.Join(", ", Names(granted))}])");
            }
            else if (import is not FunctionImport fi || !WasmHostFunctions.SignatureMatches(import.Name, fi.Parameters, fi.Results))
            {
                problems.Add($"import '{full}' has the wrong signature (expected {WasmHostFunctions.Signature(import.Name)})");
            }
        }
        return problems;
    }

    /// <summary>Checks the ABI exports: memory, alloc(i32)->i32, handle(i32,i32)->i64.</summary>
    public IReadOnlyList<string> CheckAbi()
    {
        var problems = new List<string>();
        var exports = Module.Exports.ToDictionary(e => e.Name, StringComparer.Ordinal);
        if (!exports.TryGetValue("memory", out var mem) || mem is not MemoryExport)
            problems.Add("must export a memory named 'memory'");
        if (!exports.TryGetValue("alloc", out var alloc) || alloc is not FunctionExport fa
            || !fa.Parameters.SequenceEqual([ValueKind.Int32]) || !fa.Results.SequenceEqual([ValueKind.Int32]))
            problems.Add("must export 'alloc(len: i32) -> i32'");
        if (!exports.TryGetValue("handle", out var handle) || handle is not FunctionExport fh
            || !fh.Parameters.SequenceEqual([ValueKind.Int32, ValueKind.Int32]) || !fh.Results.SequenceEqual([ValueKind.Int64]))
            problems.Add("must export 'handle(ptr: i32, len: i32) -> i64' returning (ptr << 32) | len");
        return problems;
    }

    private static IEnumerable<string> Names(WasmCapabilities caps) =>
        new[] { WasmCapabilities.Log, WasmCapabilities.Kv, WasmCapabilities.Http }.Where(c => (caps & c) != 0).Select(WasmCapabilityNames.Name);
}
