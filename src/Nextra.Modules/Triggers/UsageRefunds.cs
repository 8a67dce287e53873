using Microsoft.Extensions.Logging;
using Nextra.Modules.Observability;
using Nextra.Modules.Tiers;

namespace Nextra.Modules.Triggers;

/// <summary>
/// R10's refunds: a run cancelled before it started, or ended by a platform fault (<see cref="UsageUnits.PlatformFaults"/>),
/// gives its execution back: a −1 ledger entry and the monthly count in one transaction (once per run, whatever
/// retries), then the shared quota counter. Only runs the ledger counted are refunded (never a skipped or held one).
/// </summary>
public sealed class UsageRefunds(IUsageLedger ledger, IQuotaCounter counter, Metrics metrics, TimeProvider time, ILogger<UsageRefunds> logger)
{
    /// <summary>The refund reason R10 gives a finished run, or null when it stays counted.</summary>
    public static string? ReasonFor(string status, string? errorCode, int steps) => status switch
    {
        "cancelled" when steps == 0 => UsageUnits.CancelledBeforeStart,
        "failed" when errorCode is not null && UsageUnits.PlatformFaults.Contains(errorCode) => UsageUnits.PlatformFault,
        _ => null,
    };

    /// <summary>Refunds the run's execution when <see cref="ReasonFor"/> says so; a failure is logged (the run stays counted).</summary>
    public async Task RefundIfDueAsync(string tenantId, string runId, string status, string? errorCode, int steps, CancellationToken ct)
    {
        if (ReasonFor(status, errorCode, steps) is not { } reason) return;
        try
        {
            if (await ledger.RefundAsync(tenantId, runId, reason, time.GetUtcNow(), ct).ConfigureAwait(false) is not { } period) return;
            await counter.ReleaseAsync(tenantId, QuotaCounters.Executions, period, CancellationToken.None).ConfigureAwait(false);
            metrics.UsageRefunded(UsageUnits.Execution, 1);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Run {RunId}: execution refund ({Reason}) not recorded", runId, reason);
        }
    }
}
