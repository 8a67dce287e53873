using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nextra.Modules.Tiers;

namespace Nextra.Modules.Runs;

/// <summary>
/// Applies run retention on a timer, so traces.db stays bounded under sustained load. Each tenant's
/// policy is its tier's <c>retention_runs_per_flow</c> / <c>retention_days</c> ([tiers] in nextra.toml,
/// the one source of truth; Runs keeps only the interval and batch size).
/// </summary>
internal sealed class RetentionService(ITraceStore traces, ITierLimits tiers, IOptions<RunsOptions> options, TimeProvider time,
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
                    await tiers.RefreshAsync(stoppingToken).ConfigureAwait(false);
                    var deleted = await traces.ApplyRetentionAsync(tenant => tiers.ForTenant(tenant).Retention, time.GetUtcNow(), o.RetentionBatchSize, stoppingToken).ConfigureAwait(false);
                    if (deleted > 0) logger.LogInformation("Retention deleted {Count} runs", deleted);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    logger.LogWarning(ex, "Retention pass failed; retried next interval");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
