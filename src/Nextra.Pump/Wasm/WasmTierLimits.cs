namespace Nextra.Pump.Wasm;

/// <summary>Hard caps from the tenant's tier; a block asking for more is clamped (and warned at validation).</summary>
public sealed record WasmTierLimits(ulong MaxFuel, int MaxMemoryMb, int MaxTimeoutMs)
{
    /// <summary>Self-hosted default: generous but finite, so a runaway block still stops.</summary>
    public static WasmTierLimits Unlimited { get; } = new(10_000_000_000, 1_024, 60_000);
}
