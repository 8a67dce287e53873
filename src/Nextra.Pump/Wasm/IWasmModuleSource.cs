namespace Nextra.Pump.Wasm;

/// <summary>
/// Resolves <c>module: NAME[@VERSION]</c> of a code block. The server implements it over its
/// tenant-scoped module registry (pass a source scoped to the flow's tenant to the factory);
/// the CLI and tests use <see cref="DirectoryWasmModuleSource"/> / <see cref="InMemoryWasmModuleSource"/>.
/// Synchronous because handler validation and creation are.
/// </summary>
public interface IWasmModuleSource
{
    /// <summary>The module's code, or null when no such module (or version) exists. Null version = latest.</summary>
    WasmModuleRecord? Find(string name, string? version);
}

/// <summary>A resolved module: name, the version found, and its code.</summary>
public sealed record WasmModuleRecord(string Name, string Version, WasmCode Code);
