namespace Nextra.Pump.Wasm;

/// <summary>The effective limits of one call, after defaults and tier caps.</summary>
public sealed record WasmCallLimits(ulong Fuel, long MemoryBytes, TimeSpan Timeout)
{
    public static WasmCallLimits Resolve(WasmOptions options, WasmTierLimits tier, ulong? fuel, int? memoryMb, int? timeoutMs) => new(
        Math.Min(fuel ?? options.DefaultFuel, tier.MaxFuel),
        (long)Math.Min(memoryMb ?? options.DefaultMemoryMb, tier.MaxMemoryMb) * 1024 * 1024,
        TimeSpan.FromMilliseconds(Math.Min(timeoutMs ?? options.DefaultTimeoutMs, tier.MaxTimeoutMs)));
}
