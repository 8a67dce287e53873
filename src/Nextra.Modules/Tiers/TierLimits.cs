namespace Nextra.Modules.Tiers;

/// <summary>
/// What one tier allows. Every nullable limit is "unlimited" when null. Config keys are the
/// snake_case names in nextra.toml's <c>[tiers.NAME]</c> tables (see nextra.example.toml).
/// </summary>
public sealed record TierLimits
{
    /// <summary>The tier's name, lower-case (free, paid, pro, enterprise, or one an operator adds).</summary>
    public required string Name { get; init; }
    /// <summary><c>flows</c>: flows a tenant may keep.</summary>
    public long? Flows { get; init; }
    /// <summary><c>executions_per_month</c>: runs accepted per UTC calendar month (all triggers and replays).</summary>
    public long? ExecutionsPerMonth { get; init; }
    /// <summary><c>wasm_modules</c>: distinct registered module names; 0 also forbids inline code blocks.</summary>
    public long? WasmModules { get; init; }
    /// <summary><c>project_memory_mb</c>: project memory per flow; 0 = project memory not available.</summary>
    public long? ProjectMemoryMb { get; init; }
    /// <summary><c>team_members</c>: members of the tenant plus its open invites.</summary>
    public long? TeamMembers { get; init; }
    /// <summary><c>idle_stop_minutes</c>: a running flow idle this long sleeps until its next trigger; null or 0 = never.</summary>
    public double? IdleStopMinutes { get; init; }
    /// <summary><c>keep_alive</c>: whether a flow may be exempted from the idle stop.</summary>
    public bool KeepAlive { get; init; }
    /// <summary><c>retention_runs_per_flow</c>: run traces kept per flow (oldest deleted first).</summary>
    public long? RetentionRunsPerFlow { get; init; }
    /// <summary><c>retention_days</c>: run traces older than this are deleted.</summary>
    public double? RetentionDays { get; init; }
    /// <summary><c>wasm_max_fuel</c>: cap on a code block's fuel per call.</summary>
    public long? WasmMaxFuel { get; init; }
    /// <summary><c>wasm_max_memory_mb</c>: cap on a code block's linear memory.</summary>
    public long? WasmMaxMemoryMb { get; init; }
    /// <summary><c>wasm_max_timeout_ms</c>: cap on a code block's wall-clock time per call.</summary>
    public long? WasmMaxTimeoutMs { get; init; }

    /// <summary><c>max_parallel_branches</c>: branches of one fan-out, and map items in flight at once.</summary>
    public long? MaxParallelBranches { get; init; }
    /// <summary><c>max_items</c>: items one map may go over.</summary>
    public long? MaxItems { get; init; }

    /// <summary><c>api_requests_per_minute</c>: requests per minute of each API key, and of the whole tenant (429 past it).</summary>
    public long? ApiRequestsPerMinute { get; init; }
    /// <summary><c>audit_days</c>: audit log entries older than this are deleted.</summary>
    public double? AuditDays { get; init; }

    /// <summary>Project memory cap in bytes (null = unlimited, 0 = not available).</summary>
    public long? ProjectMemoryBytes => ProjectMemoryMb is { } mb ? mb * 1024 * 1024 : null;

    /// <summary>Whether this tier may run code blocks at all (inline or registered).</summary>
    public bool AllowsCode => WasmModules is not 0;

    /// <summary>Retention as the trace store applies it; unlimited becomes "keep everything" (bounded to fit the arithmetic).</summary>
    public RetentionPolicy Retention => new()
    {
        MaxRunsPerFlow = RetentionRunsPerFlow is { } n ? (int)Math.Min(n, int.MaxValue) : int.MaxValue,
        MaxAgeDays = RetentionDays ?? 36_500,
    };

    /// <summary>The parallel-work caps of this tier; unlimited fields fall back to <see cref="Pump.Handlers.ParallelLimits.Unlimited"/>.</summary>
    public Pump.Handlers.ParallelLimits Parallel
    {
        get
        {
            var max = Pump.Handlers.ParallelLimits.Unlimited;
            return new Pump.Handlers.ParallelLimits(
                MaxParallelBranches is { } b ? (int)Math.Clamp(b, 1, max.MaxBranches) : max.MaxBranches,
                MaxItems is { } n ? (int)Math.Clamp(n, 0, max.MaxItems) : max.MaxItems);
        }
    }

    /// <summary>The code-block caps of this tier; unlimited fields fall back to <see cref="Pump.Wasm.WasmTierLimits.Unlimited"/>.</summary>
    public Pump.Wasm.WasmTierLimits Wasm
    {
        get
        {
            var max = Pump.Wasm.WasmTierLimits.Unlimited;
            return new Pump.Wasm.WasmTierLimits(
                WasmMaxFuel is { } fuel ? (ulong)Math.Max(0, fuel) : max.MaxFuel,
                WasmMaxMemoryMb is { } mem ? (int)Math.Min(mem, int.MaxValue) : max.MaxMemoryMb,
                WasmMaxTimeoutMs is { } ms ? (int)Math.Min(ms, int.MaxValue) : max.MaxTimeoutMs);
        }
    }
}
