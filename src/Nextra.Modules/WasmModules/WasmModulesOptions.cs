namespace Nextra.Modules.WasmModules;

/// <summary>Module registry limits (config section <c>WasmModules</c>); a tier module may lower them per tenant later.</summary>
public sealed class WasmModulesOptions
{
    public const string Section = "WasmModules";

    /// <summary>Largest upload (decoded .wasm, WAT or AssemblyScript source).</summary>
    public int MaxModuleBytes { get; set; } = 4 << 20;

    /// <summary>Module versions one tenant may keep.</summary>
    public int MaxModulesPerTenant { get; set; } = 200;
}
