using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nextra.Modules.Orchestration;
using Nextra.Modules.Runs;

namespace Nextra.Modules.Sla;

/// <summary>Every <c>[sla] sample_seconds</c>, records the minute as running for each flow in status running on this instance.</summary>
internal sealed class SlaSampler(IFlowRuntime supervisor, IRunRollupStore rollups, IOptions<SlaOptions> options, TimeProvider time,
    ILogger<SlaSampler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var period = TimeSpan.FromSeconds(Math.Max(0.1, options.Value.SampleSeconds));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var now = time.GetUtcNow();
                foreach (var flow in supervisor.Health())
                {
                    if (flow.Status == FlowStatuses.Running)
                        await rollups.MarkRunningAsync(flow.TenantId, flow.FlowId, now, stoppingToken).ConfigureAwait(false);
                }
                await Task.Delay(period, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Uptime sample not recorded");
                await Task.Delay(period, time, stoppingToken).ConfigureAwait(false);
            }
        }
    }
}
