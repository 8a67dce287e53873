namespace Nextra.Pump.Wasm;

/// <summary>A module that cannot be used (bad code, missing ABI exports, denied imports); Code is stable.</summary>
public sealed class WasmModuleException(string code, string message, Exception? inner = null) : Exception(message, inner)
{
    public string Code { get; } = code;
}
