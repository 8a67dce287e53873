using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nextra.Modules.Runs;
using Nextra.Modules.Runs.Stores;
using Nextra.Modules.Triggers;
using Nextra.Modules.Triggers.Stores;

namespace Nextra.Modules.Orchestration;

/// <summary>
/// Boot and shutdown of the run-time: restores flows that were running, re-dispatches every
/// inbox row left pending by a crash (at-least-once), puts idle flows to sleep, and on SIGTERM
/// drains in-flight runs up to a bound leaving the rest pending.
/// </summary>
internal sealed class OrchestrationService(
    FlowSupervisor supervisor,
    IFlowCatalog catalog,
    InboxStore inbox,
    TraceStore traces,
    RunRecorder recorder,
    IOptions<OrchestrationOptions> options,
    ILogger<OrchestrationService> logger) : BackgroundService
{
    private IReadOnlyList<InboxItem> _pending = [];

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Snapshot before the server accepts triggers: rows written after this belong to this process
        // and are dispatched by their own request; re-dispatching them here would run them twice.
        _pending = inbox.ListPending();
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await RestoreFlowsAsync(stoppingToken).ConfigureAwait(false);
            await RecoverInboxAsync().ConfigureAwait(false);
            await ReapIdleAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task RestoreFlowsAsync(CancellationToken ct)
    {
        var flows = new List<FlowInfo>();
        foreach (var status in (string[])[FlowStatuses.Running, FlowStatuses.Starting, FlowStatuses.Stopping])
            flows.AddRange(await catalog.ListByStatusAsync(status, ct).ConfigureAwait(false));
        await Parallel.ForEachAsync(flows, new ParallelOptions { MaxDegreeOfParallelism = options.Value.RestoreParallelism, CancellationToken = ct },
            async (flow, token) =>
            {
                try
                {
                    if (flow.Status == FlowStatuses.Stopping)
                        await catalog.SetStatusAsync(flow.TenantId, flow.Id, FlowStatuses.Stopped, token).ConfigureAwait(false);
                    else
                        await supervisor.StartAsync(flow, token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // One flow that cannot be restored must not keep the others down.
                    logger.LogError(ex, "Flow {FlowId} could not be restored", flow.Id);
                }
            }).ConfigureAwait(false);
        if (flows.Count > 0) logger.LogInformation("Restored {Count} flows", flows.Count);
    }

    private async Task RecoverInboxAsync()
    {
        int rerun = 0, finished = 0, given = 0;
        foreach (var item in _pending)
        {
            if (traces.FindStatus(item.Id) is not null and not "running")
            {
                // Completed before the crash; only the inbox delete was lost.
                await inbox.RemoveAsync(item.Id).ConfigureAwait(false);
                finished++;
            }
            else if (item.Attempts + 1 >= options.Value.MaxAttempts)
            {
                await recorder.FailAsync(item, RunRecorder.Recorded(item), "gave_up", $"dispatched {item.Attempts + 1} times without finishing").ConfigureAwait(false);
                given++;
            }
            else
            {
                await inbox.MarkAttemptAsync(item.Id).ConfigureAwait(false);
                supervisor.Enqueue(item with { Attempts = item.Attempts + 1 });
                rerun++;
            }
        }
        _pending = [];
        if (rerun + finished + given > 0)
            logger.LogInformation("Inbox recovery: {Rerun} re-dispatched, {Finished} already finished, {Given} given up", rerun, finished, given);
    }

    private async Task ReapIdleAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.IdleCheckSeconds));
        while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
        {
            await supervisor.SleepIdleFlowsAsync(ct).ConfigureAwait(false);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await supervisor.ShutdownAsync().ConfigureAwait(false);
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }
}
