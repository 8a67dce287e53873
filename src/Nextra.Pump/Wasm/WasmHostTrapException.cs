namespace Nextra.Pump.Wasm;

/// <summary>Thrown inside a host function when the guest broke the ABI (e.g. a pointer out of bounds); fails the call as a trap.</summary>
internal sealed class WasmHostTrapException(string message) : Exception(message);

/// <summary>Thrown by the epoch callback to stop a guest past its deadline or cancelled.</summary>
internal sealed class WasmInterruptException() : Exception("interrupted");
