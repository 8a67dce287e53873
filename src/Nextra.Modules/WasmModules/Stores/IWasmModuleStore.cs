namespace Nextra.Modules.WasmModules.Stores;

/// <summary>Module rows, always scoped by tenant.</summary>
internal interface IWasmModuleStore
{
    /// <summary>Metadata only (no content), newest first within a name.</summary>
    Task<IReadOnlyList<WasmModuleRow>> ListAsync(string tenantId, CancellationToken ct);

    Task<WasmModuleRow?> GetAsync(string tenantId, string id, CancellationToken ct);

    /// <summary>Rows with content and built binary, for the given names (all when null).</summary>
    Task<IReadOnlyList<WasmModuleRow>> GetCodeAsync(string tenantId, IReadOnlyCollection<string>? names, CancellationToken ct);

    /// <summary>Inserts with the next integer version of the name; null when the tenant already has <paramref name="maxModules"/> modules.</summary>
    Task<WasmModuleRow?> InsertAsync(WasmModuleRow row, int maxModules, CancellationToken ct);

    Task<bool> DeleteAsync(string tenantId, string id, CancellationToken ct);
}
