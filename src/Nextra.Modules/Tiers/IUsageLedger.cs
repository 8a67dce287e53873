namespace Nextra.Modules.Tiers;

/// <summary>
/// R10's usage ledger: every counted unit of a tenant, append-only. Acceptance entries (+1 execution) are written by
/// the inbox in the transaction that commits the run's row and its monthly count; refunds (−1) here, in one
/// transaction with the count they give back. The sum of a period's execution entries is the period's count
/// (<c>GET /api/usage</c> <c>runsThisMonth</c>) for every run accepted since the ledger exists.
/// </summary>
public interface IUsageLedger
{
    /// <summary>
    /// Refunds the run's execution (−1, <paramref name="reason"/>) when it was counted and not refunded yet: the ledger
    /// row and the monthly count change together. Returns the period the execution was counted in, or null when nothing
    /// was refunded (not counted, already refunded).
    /// </summary>
    Task<string?> RefundAsync(string tenantId, string runId, string reason, DateTimeOffset at, CancellationToken ct = default);

    /// <summary>Records units other than executions (fuel) for a run; idempotent per (run, unit, reason).</summary>
    Task RecordAsync(string tenantId, string period, string unit, long qty, string? flowId, string runId, string reason, DateTimeOffset at,
        CancellationToken ct = default);

    /// <summary>The tenant's entries newest first, from <paramref name="from"/> (inclusive) to <paramref name="to"/> (exclusive), before <paramref name="cursor"/>.</summary>
    Task<IReadOnlyList<UsageLedgerEntry>> ListAsync(string tenantId, DateTimeOffset? from, DateTimeOffset? to, long? cursor, int limit,
        CancellationToken ct = default);

    /// <summary>The sum of a unit's entries in a period.</summary>
    Task<long> SumAsync(string tenantId, string unit, string period, CancellationToken ct = default);
}

/// <summary>One ledger entry (<c>GET /api/usage/ledger</c>): <c>delta</c> +1 counted, −1 refunded.</summary>
public sealed record UsageLedgerEntry(long Id, DateTimeOffset At, string Period, string Unit, long Delta, string? FlowId, string RunId, string Reason);

/// <summary>Units and reasons of the ledger.</summary>
public static class UsageUnits
{
    public const string Execution = "execution";
    public const string Fuel = "fuel";

    /// <summary>+1: a run accepted (webhook, schedule slot, inject, replay).</summary>
    public const string Accepted = "accepted";

    /// <summary>+1: a run held at the quota, released at the period reset or an upgrade.</summary>
    public const string Released = "released";

    /// <summary>−1: a queued run cancelled before it started.</summary>
    public const string CancelledBeforeStart = "cancelled_before_start";

    /// <summary>−1: a run that ended with a platform fault (<see cref="PlatformFaults"/>).</summary>
    public const string PlatformFault = "platform_fault";

    /// <summary>Fuel a run's WASM calls used.</summary>
    public const string WasmCalls = "wasm_calls";

    /// <summary>Run error codes that are the platform's fault, not the flow's: their execution is refunded.</summary>
    public static readonly IReadOnlySet<string> PlatformFaults = new HashSet<string>(StringComparer.Ordinal)
    {
        "internal", "internal_error", "pump_crash", "pump_stopped", "storage", "gave_up",
    };
}

/// <summary>Webhooks held at 100% of the month's executions (R10), for <c>GET /api/usage</c>.</summary>
public interface IHeldRunCount
{
    Task<long> HeldAsync(string tenantId, CancellationToken ct = default);
}
