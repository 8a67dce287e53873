using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nextra.Modules.Runs.Stores;

namespace Nextra.Modules.Runs;

/// <summary>Applies run retention per tier on a timer, so traces.db stays bounded under sustained load.</summary>
internal sealed class RetentionService(TraceStore traces, ITenantTierResolver tiers, IOptions<RunsOptions> options, TimeProvider time,
    ILogger<RetentionService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(o.RetentionIntervalSeconds), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    var deleted = traces.ApplyRetention(Policy, time.GetUtcNow(), o.RetentionBatchSize);
                    if (deleted > 0) logger.LogInformation("Retention deleted {Count} runs", deleted);
                }
                catch (Exception ex)
                {
                    logger.LogWarning(ex, "Retention pass failed; retried next interval");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private RetentionPolicy Policy(string tenantId)
    {
        var retention = options.Value.Retention;
        return retention.GetValueOrDefault(tiers.TierOf(tenantId)) ?? retention.GetValueOrDefault("free") ?? new RetentionPolicy();
    }
}
