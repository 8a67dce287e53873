namespace Nextra.Pump.Handlers;

/// <summary>
/// Services the host lends a running flow. The headless CLI supplies local implementations;
/// the server supplies tenant-scoped ones. Handlers must not reach around these.
/// </summary>
public interface IFlowServices
{
    /// <summary>Tenant-scoped secret values by name, or null when absent.</summary>
    ISecretResolver Secrets { get; }
    /// <summary>The flow's project memory, or null when the flow did not opt in.</summary>
    IProjectMemory? Memory { get; }
    /// <summary>Live events (token streams, log lines) for the UI; never required for correctness.</summary>
    IRunEventSink Events { get; }
    /// <summary>The guarded outbound HTTP client (SSRF rules applied); used by http, llm and WASM http_fetch.</summary>
    HttpClient Egress { get; }
    TimeProvider Time { get; }
    /// <summary>Per-thread token budgets (xml-pipeline §4.6).</summary>
    ITokenBudget Budget { get; }
    /// <summary>The flow owner's registered WASM modules (code blocks' <c>module:</c>), or null when none are offered.</summary>
    Wasm.IWasmModuleSource? Modules => null;
    /// <summary>Caps on code blocks from the flow owner's tier; null = the code handler factory's own caps.</summary>
    Wasm.WasmTierLimits? WasmLimits => null;
    /// <summary>
    /// The flow's shared state (context buffers, thread registry), kept by the host so it outlives a pump (sleep and
    /// wake, hosted failover); null = the pump keeps its own in memory.
    /// </summary>
    Memory.ISharedBackend? SharedState => null;
    /// <summary>Fan-out width and map size caps from the flow owner's tier; null = <see cref="ParallelLimits.Unlimited"/>.</summary>
    ParallelLimits? Parallel => null;
}

/// <summary>
/// Caps on parallel work: branches of one fan-out (and map items in flight at once), and items of one map.
/// A fan-out wider than <see cref="MaxBranches"/> fails its step <c>too_many_branches</c>; a map over more
/// items than <see cref="MaxItems"/> fails <c>too_many_items</c>; a map's <c>concurrency</c> is clamped.
/// </summary>
public sealed record ParallelLimits(int MaxBranches, int MaxItems)
{
    /// <summary>Self-hosted default: generous but finite, so a runaway list still stops.</summary>
    public static ParallelLimits Unlimited { get; } = new(256, 100_000);
}

public interface ISecretResolver
{
    ValueTask<string?> GetAsync(string name, CancellationToken ct);
}

/// <summary>Key/value memory of one flow. Keys are strings, values bytes; size caps enforced by the store.</summary>
public interface IProjectMemory
{
    ValueTask<byte[]?> GetAsync(string key, CancellationToken ct);
    /// <summary>Throws <see cref="HandlerException"/> with code <c>memory_quota</c> past the cap.</summary>
    ValueTask SetAsync(string key, byte[] value, CancellationToken ct);
    ValueTask<bool> DeleteAsync(string key, CancellationToken ct);
}

public interface IRunEventSink
{
    /// <summary>A chunk of streamed LLM output for a step.</summary>
    void Token(string runId, int stepIndex, string listener, string text);
    /// <summary>A log line from a handler (WASM <c>log</c>, plugin logs).</summary>
    void Log(string runId, int stepIndex, string listener, string level, string message);
}

/// <summary>Per-thread token budget registry.</summary>
public interface ITokenBudget
{
    /// <summary>Reserve an estimate before an LLM call; throws HandlerException(<c>budget_exhausted</c>).</summary>
    void Check(string threadId, int estimatedTokens);
    /// <summary>Record actual use; returns the warning thresholds (75/90/95) crossed by this call.</summary>
    IReadOnlyList<int> Consume(string threadId, int tokens);
    int Remaining(string threadId);
    /// <summary>Forgets a thread whose chain ended (xml-pipeline §9.8); false when it had no budget.</summary>
    bool Cleanup(string threadId);
}
