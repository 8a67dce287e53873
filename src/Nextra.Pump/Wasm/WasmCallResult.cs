namespace Nextra.Pump.Wasm;

/// <summary>The output JSON bytes of one call and the fuel it burnt.</summary>
public sealed record WasmCallResult(byte[] Output, ulong FuelUsed);
