using Nextra.Pump.Wasm;

namespace Nextra.Modules.WasmModules;

/// <summary>
/// Modules a tenant did not upload but may run by a qualified name (<c>module: publisher/name@MAJOR</c>): the marketplace's
/// installed tools. Registered by the module that owns them; the registry asks it for names containing '/' when a flow is
/// validated or started, so the bytes are checked (digest, signature, revocation) at every load.
/// </summary>
public interface IExternalModuleSource
{
    /// <summary>The tenant's modules among <paramref name="names"/> (qualified names), one record per version a flow may name.</summary>
    Task<IReadOnlyList<ExternalModule>> LoadAsync(string tenantId, IReadOnlyCollection<string> names, CancellationToken ct);
}

/// <summary>
/// One loadable version of an external module: the record code blocks resolve (with its grants and limits), or a refusal
/// (<paramref name="ErrorCode"/> such as <c>digest_mismatch</c>) that fails the validation and every step that uses it.
/// </summary>
public sealed record ExternalModule(string Name, string Version, WasmModuleRecord? Record, string? ErrorCode = null, string? Error = null);

/// <summary>Reads a tenant's registered modules' code (the marketplace publishes a tool from it).</summary>
public interface IWasmModuleCode
{
    /// <summary>The runnable code of one module version (format <c>wasm</c> or <c>wat</c>), or null; scoped to the tenant.</summary>
    Task<ModuleCode?> GetCodeAsync(string tenantId, string id, CancellationToken ct);
}

/// <summary>The runnable code of one registered module version, as another module (the marketplace's publish) reads it.</summary>
public sealed record ModuleCode(string Name, string Version, string Format, byte[] Content);
