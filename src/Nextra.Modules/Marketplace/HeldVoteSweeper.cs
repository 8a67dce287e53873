using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Nextra.Modules.Marketplace;

/// <summary>
/// Counts held votes once their tenants are <c>[marketplace] min_voter_age_days</c> old (R7): every 10 minutes, an idempotent
/// pass any instance may run (each vote is released once, in the store's transaction).
/// </summary>
internal sealed class HeldVoteSweeper(MarketplaceCatalog catalog, TimeProvider time, ILogger<HeldVoteSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(10), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    var released = await catalog.ReleaseHeldVotesAsync(time.GetUtcNow(), stoppingToken);
                    if (released > 0)
                        logger.LogInformation("Counted {Count} held marketplace votes", released);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogWarning(ex, "Releasing held marketplace votes failed; the next pass retries");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Normal shutdown.
        }
    }
}
