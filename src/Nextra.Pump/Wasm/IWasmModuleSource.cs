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
public sealed record WasmModuleRecord(string Name, string Version, WasmCode Code)
{
    /// <summary>
    /// When set (a marketplace tool), the capabilities its manifest grants: they replace the code block's
    /// <c>capabilities</c>, so a flow can neither widen nor need to restate them (no ambient authority).
    /// </summary>
    public WasmCapabilities? Grants { get; init; }

    /// <summary>When set, caps on top of the tier's (the manifest's limits): effective = min(flow, manifest, tier).</summary>
    public WasmTierLimits? Limits { get; init; }

    /// <summary>When set, the only URLs the module's <c>http_fetch</c> may reach (the manifest's host list).</summary>
    public Func<Uri, bool>? AllowsUrl { get; init; }

    /// <summary>When set, the secrets the module may put in <c>http_fetch</c> request headers, each only towards its own hosts.</summary>
    public IReadOnlyList<WasmSecretGrant>? Secrets { get; init; }

    /// <summary>Digest of the bytes that run (recorded by the host for traces); null for local modules.</summary>
    public string? Digest { get; init; }
}
