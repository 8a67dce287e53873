using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Nextra.Modules.Billing.Stripe;
using Nextra.Modules.Tiers;

namespace Nextra.Modules.Billing;

/// <summary>
/// Once an hour, reports to Stripe (a billing meter event) each subscribed tenant's executions above its tier's
/// included ones, for plans with a <c>metered_price</c>. Idempotent: the event's <c>identifier</c> (and the
/// Idempotency-Key) is tenant + month + the total reached, so two instances reporting the same total make one
/// event; the total reported is then moved in the store from what was read, so the next pass sends only what is new.
/// </summary>
internal sealed class MeterReporter(IBillingStore store, BillingOptions options, ITierLimits tiers, IExecutionMeter executions, StripeClient stripe,
    TimeProvider time, ILogger<MeterReporter> logger) : BackgroundService
{
    internal static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Enabled || !options.Plans.Values.Any(p => p.MeteredPrice is not null)) return;
        using var timer = new PeriodicTimer(Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await ReportAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Reporting metered executions to Stripe failed; the next hour reports what is left");
            }
        }
    }

    /// <summary>One pass; returns the meter events sent.</summary>
    public async Task<int> ReportAsync(CancellationToken ct)
    {
        var metered = options.Plans.Values.Where(p => p.MeteredPrice is not null).Select(p => p.Tier).ToList();
        if (metered.Count == 0) return 0;
        var now = time.GetUtcNow();
        var period = QuotaCounters.MonthOf(now);
        var sent = 0;
        foreach (var account in await store.ListSubscribedAsync(metered, ct).ConfigureAwait(false))
        {
            var included = tiers.Options.Find(account.PlanTier)?.ExecutionsPerMonth;
            if (included is not { } max || account.CustomerId is not { } customer) continue;
            var over = Math.Max(0, await executions.UsedAsync(account.TenantId, now, ct).ConfigureAwait(false) - max);
            var reported = await store.ReportedAsync(account.TenantId, period, ct).ConfigureAwait(false);
            if (over <= reported) continue;
            try
            {
                await stripe.CreateMeterEventAsync(customer, over - reported, $"nextra-{account.TenantId}-{period}-{over}", now, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Metered executions of tenant {TenantId} not reported; retried next hour", account.TenantId);
                continue;
            }
            if (await store.SetReportedAsync(account.TenantId, period, reported, over, now, ct).ConfigureAwait(false)) sent++;
        }
        return sent;
    }
}
