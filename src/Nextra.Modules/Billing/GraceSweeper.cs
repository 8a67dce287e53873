using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Nextra.Modules.Billing;

/// <summary>
/// Once a minute, drops past-due tenants whose grace has ended to the free tier. Every instance may run it: the move
/// is idempotent and goes through the Tiers module, which invalidates every instance's cache.
/// </summary>
internal sealed class GraceSweeper(BillingOptions options, BillingTiers tiers, TimeProvider time, ILogger<GraceSweeper> logger) : BackgroundService
{
    internal static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Enabled) return;
        using var timer = new PeriodicTimer(Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                var moved = await tiers.SweepGraceAsync(stoppingToken).ConfigureAwait(false);
                if (moved > 0) logger.LogInformation("{Count} past-due tenants dropped to the free tier after the grace period", moved);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "The billing grace sweep failed; it runs again in a minute");
            }
        }
    }
}
