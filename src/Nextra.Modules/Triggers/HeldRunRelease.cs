using Microsoft.Extensions.Logging;
using Nextra.Modules.Observability;
using Nextra.Modules.Orchestration;
using Nextra.Modules.Runs;
using Nextra.Modules.Tiers;

namespace Nextra.Modules.Triggers;

/// <summary>
/// Releases a tenant's held runs (R10) as far as its executions allow: each one reserved on the shared quota counter,
/// then moved into the inbox and counted by <see cref="IHeldRunStore.ReleaseAsync"/> (once, whichever instance), and
/// its flow woken. A tier change releases at once (an upgrade applies immediately); <see cref="HeldRuns"/> sweeps for
/// the period reset. It takes the tier as an argument: the tier service calls it, so it cannot depend on it.
/// </summary>
public sealed class HeldRunRelease(IHeldRunStore store, IQuotaCounter counter, IFlowOwnership ownership, IRunSignals signals, Metrics metrics,
    TimeProvider time, ILogger<HeldRunRelease> logger) : ITierChangeHandler
{
    private const int ReleaseBatch = 100;
    private readonly SemaphoreSlim _releasing = new(1, 1);

    /// <summary>Releases what the tenant's executions allow now, oldest first; returns how many were released.</summary>
    public async Task<int> ReleaseAsync(string tenantId, TierLimits tier, CancellationToken ct = default)
    {
        var released = 0;
        await _releasing.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            while (true)
            {
                var now = time.GetUtcNow();
                var period = QuotaCounters.MonthOf(now);
                // Reserve first (the shared counter: another instance's intake competes for the same executions), then
                // move that many; what was reserved and not moved (another instance released them) is given back.
                var reserved = 0;
                while (reserved < ReleaseBatch
                       && await counter.TryReserveAsync(tenantId, QuotaCounters.Executions, period, tier.ExecutionsPerMonth, ct).ConfigureAwait(false))
                {
                    reserved++;
                }
                if (reserved == 0) break;
                IReadOnlyList<RunRequest> moved = [];
                try
                {
                    moved = await store.ReleaseAsync(tenantId, reserved, now, ownership.PartitionOf, ct).ConfigureAwait(false);
                }
                finally
                {
                    for (var i = moved.Count; i < reserved; i++) await counter.ReleaseAsync(tenantId, QuotaCounters.Executions, period, CancellationToken.None).ConfigureAwait(false);
                }
                foreach (var flow in moved.Select(r => r.FlowId).Distinct(StringComparer.Ordinal))
                    await signals.WakeFlowAsync(new FlowSignal(tenantId, flow), CancellationToken.None).ConfigureAwait(false);
                if (moved.Count > 0) metrics.Usage(UsageUnits.Execution, moved.Count);
                released += moved.Count;
                if (moved.Count < reserved) break;
            }
        }
        finally
        {
            _releasing.Release();
        }
        if (released > 0) logger.LogInformation("Tenant {TenantId}: {Count} held runs released", tenantId, released);
        return released;
    }

    public async Task OnTierChangedAsync(TierChanged change, CancellationToken ct)
    {
        if (await store.HeldAsync(change.TenantId, ct).ConfigureAwait(false) > 0) await ReleaseAsync(change.TenantId, change.After, ct).ConfigureAwait(false);
    }
}
