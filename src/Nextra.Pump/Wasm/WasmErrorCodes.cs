namespace Nextra.Pump.Wasm;

/// <summary>Stable step-error and validation codes of code blocks (docs/wasm-abi.md).</summary>
public static class WasmErrorCodes
{
    public const string OutOfFuel = "wasm_out_of_fuel";
    public const string MemoryLimit = "wasm_memory_limit";
    public const string Trap = "wasm_trap";
    public const string Timeout = "wasm_timeout";
    public const string BadOutput = "wasm_bad_output";
    public const string ImportDenied = "wasm_import_denied";
    /// <summary>Not valid WebAssembly / WAT, or missing the ABI exports.</summary>
    public const string BadModule = "wasm_bad_module";
    /// <summary>Every pooled instance slot is in use (see <see cref="WasmOptions.PoolingInstances"/>); retry later.</summary>
    public const string Busy = "wasm_busy";
}
