using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nextra.Modules.Runs;

namespace Nextra.Modules.Orchestration;

/// <summary>
/// Boot and shutdown of the run-time: takes this instance's partitions (embedded: all; their flows start and the
/// inbox recovers their pending runs in the background), listens to signals from other instances, puts idle flows
/// to sleep, and on SIGTERM drains in-flight runs up to a bound, leaving the rest pending.
/// </summary>
internal sealed class OrchestrationService(
    FlowSupervisor supervisor,
    IFlowOwnership ownership,
    IRunSignals signals,
    IOptions<OrchestrationOptions> options,
    ILogger<OrchestrationService> logger) : BackgroundService
{
    private IDisposable? _subscription;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = signals.Subscribe(supervisor);
        await ownership.StartAsync(supervisor, cancellationToken).ConfigureAwait(false);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.IdleCheckSeconds));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await supervisor.SleepIdleFlowsAsync(stoppingToken).ConfigureAwait(false);
                try
                {
                    await supervisor.EnforcePlanLimitsAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogWarning(ex, "Enforcing plan limits failed; the next pass tries again");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await supervisor.ShutdownAsync().ConfigureAwait(false);
        await ownership.StopAsync(cancellationToken).ConfigureAwait(false);
        _subscription?.Dispose();
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }
}
