using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Nextra.Modules.Marketplace;

/// <summary>Runs a <see cref="StagedUpdates"/> pass every minute on each instance (the passes are safe together: every change is guarded in the database).</summary>
internal sealed class StagedUpdateService(StagedUpdates updates, TimeProvider time, ILogger<StagedUpdateService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(1), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    var moved = await updates.RunOnceAsync(time.GetUtcNow(), stoppingToken);
                    if (moved > 0)
                        logger.LogInformation("Auto-updated {Count} marketplace installs", moved);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogWarning(ex, "A staged marketplace update pass failed; the next one retries");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Normal shutdown.
        }
    }
}
