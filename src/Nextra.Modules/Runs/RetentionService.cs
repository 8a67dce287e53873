using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nextra.Modules.Tiers;

namespace Nextra.Modules.Runs;

/// <summary>
/// Applies run retention on a timer, so traces.db stays bounded under sustained load. Each tenant's
/// policy is its tier's <c>retention_runs_per_flow</c> / <c>retention_days</c> ([tiers] in nextra.toml) under the
/// server's ceilings (<c>[runs] max_runs_per_flow</c>, <c>max_age_days</c>); then the server-wide disk budget
/// (<c>[runs] max_disk_mb</c>, <see cref="HistoryBudget"/>) deletes the oldest runs of any flow when the history is over it.
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
                    var deleted = await traces.ApplyRetentionAsync(tenant => o.Cap(tiers.ForTenant(tenant).Retention), time.GetUtcNow(), o.RetentionBatchSize, stoppingToken).ConfigureAwait(false);
                    if (deleted > 0) logger.LogInformation("Retention deleted {Count} runs", deleted);
                    var overBudget = await HistoryBudget.EnforceAsync(traces, o.MaxDiskBytes, o.RetentionBatchSize, stoppingToken).ConfigureAwait(false);
                    if (overBudget > 0)
                        logger.LogWarning("Run history was over [runs] max_disk_mb = {Budget} MB: deleted the {Count} oldest runs of the server", o.MaxDiskMb, overBudget);
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
