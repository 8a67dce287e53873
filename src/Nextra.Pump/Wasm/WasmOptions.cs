namespace Nextra.Pump.Wasm;

/// <summary>
/// Server-wide defaults for code blocks (section <c>Wasm</c> of the host config). A block's own
/// <c>fuel</c> / <c>memory_mb</c> / <c>timeout_ms</c> override these, capped by <see cref="WasmTierLimits"/>.
/// </summary>
public sealed class WasmOptions
{
    public const string Section = "Wasm";

    /// <summary>Fuel per call when the block sets none (1M fuel ≈ 2.5 ms of a tight loop here).</summary>
    public ulong DefaultFuel { get; set; } = 100_000_000;
    public int DefaultMemoryMb { get; set; } = 32;
    public int DefaultTimeoutMs { get; set; } = 2_000;
    /// <summary>Largest output JSON a module may return; larger fails with <c>wasm_bad_output</c>.</summary>
    public int MaxOutputBytes { get; set; } = 1 << 20;
    /// <summary>Largest response body <c>http_fetch</c> hands back to a module.</summary>
    public int MaxHttpResponseBytes { get; set; } = 1 << 20;
    /// <summary>Log lines one call may write before further lines are dropped.</summary>
    public int MaxLogLinesPerCall { get; set; } = 100;
    public int MaxLogLineChars { get; set; } = 4_096;
    /// <summary>Epoch tick; wall-clock deadlines are enforced at this granularity.</summary>
    public int EpochTickMs { get; set; } = 10;
    /// <summary>Where compiled modules are serialized across restarts; null keeps them in memory only.</summary>
    public string? CacheDirectory { get; set; }
    /// <summary>
    /// Concurrent instances served from Wasmtime's pooling allocator (pre-reserved slots make
    /// instantiation several times cheaper than mmap per call). 0 uses on-demand allocation.
    /// Calls beyond this many at once fail with <c>wasm_busy</c>.
    /// </summary>
    public int PoolingInstances { get; set; } = 256;
    /// <summary>
    /// Compiled modules kept in memory; past it the least recently used leave the cache (handlers already
    /// built keep theirs; the next compile of an evicted module reads the disk cache).
    /// </summary>
    public int MaxCachedModules { get; set; } = 256;
    /// <summary>Largest linear memory a pooled slot can hold; must cover the highest tier's memory_mb.</summary>
    public int PoolingMaxMemoryMb { get; set; } = 1_024;
    /// <summary>Largest module (bytes of .wasm or .wat text) accepted.</summary>
    public int MaxModuleBytes { get; set; } = 8 << 20;

    /// <summary>Floor of thread-pool workers, so code blocks spinning until their deadline cannot starve other handlers.</summary>
    public int MinWorkerThreads { get; set; } = 64;
}
