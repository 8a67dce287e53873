namespace Nextra.Modules.WasmModules.Stores;

internal sealed class WasmModuleRow
{
    public string Id { get; set; } = "";
    public string TenantId { get; set; } = "";
    public string Name { get; set; } = "";
    public string Version { get; set; } = "";
    public string Kind { get; set; } = "";
    public long Size { get; set; }
    public string? Wit { get; set; }
    public string CreatedAt { get; set; } = "";
    public string? CreatedBy { get; set; }
    /// <summary>Only loaded by <see cref="IWasmModuleStore.GetCodeAsync"/>.</summary>
    public byte[]? Content { get; set; }
    public byte[]? Wasm { get; set; }
}
