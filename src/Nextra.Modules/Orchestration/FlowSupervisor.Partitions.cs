using Microsoft.Extensions.Logging;
using Nextra.Modules.Flows;
using Nextra.Modules.Runs;
using Nextra.Modules.Storage;

namespace Nextra.Modules.Orchestration;

/// <summary>Partitions coming and going (ownership), and signals from other instances.</summary>
public sealed partial class FlowSupervisor
{
    /// <summary>Starts the flows of the acquired partitions whose stored status is running, then lets the inbox recover their runs.</summary>
    public async Task AcquiredAsync(IReadOnlyList<LeaseFence> fences, CancellationToken ct)
    {
        var partitions = fences.Select(f => f.Partition).ToHashSet();
        var flows = new List<FlowSnapshot>();
        foreach (var status in (string[])[FlowStatuses.Running, FlowStatuses.Starting, FlowStatuses.Stopping])
        {
            foreach (var flow in await catalog.ListByStatusAsync(status, ct).ConfigureAwait(false))
            {
                if (partitions.Contains(ownership.PartitionOf(flow.Id))) flows.Add(flow);
            }
        }
        await Parallel.ForEachAsync(flows, new ParallelOptions { MaxDegreeOfParallelism = _options.RestoreParallelism, CancellationToken = ct },
            async (flow, token) =>
            {
                try
                {
                    if (flow.Status == FlowStatuses.Stopping)
                        await catalog.SetStatusAsync(flow.TenantId, flow.Id, FlowStatuses.Stopped, token).ConfigureAwait(false);
                    // The list may be stale by now (a stop right after start-up): start what is still meant to run.
                    else if (await catalog.GetAsync(flow.TenantId, flow.Id, token).ConfigureAwait(false) is { Status: FlowStatuses.Running or FlowStatuses.Starting } current)
                        await StartAsync(current, token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // One flow that cannot be restored must not keep the others down.
                    logger.LogError(ex, "Flow {FlowId} could not be restored", flow.Id);
                }
            }).ConfigureAwait(false);
        if (flows.Count > 0) logger.LogInformation("Started {Count} flows of {Partitions} acquired partitions", flows.Count, partitions.Count);
        foreach (var listener in _partitionListeners)
        {
            await listener.PartitionsReadyAsync(fences, this, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Stops running the lost partitions' flows here, leaving their stored status for the new owner.</summary>
    public async Task LostAsync(IReadOnlyList<LeaseFence> fences, CancellationToken ct)
    {
        var partitions = fences.Select(f => f.Partition).ToHashSet();
        foreach (var listener in _partitionListeners) listener.PartitionsLost(fences);
        foreach (var slot in _slots.Values.Where(s => partitions.Contains(s.Partition)).ToList())
        {
            slot.HandedOver = true;
            await ForgetAsync(slot.FlowId).ConfigureAwait(false);
        }
    }

    public void CancelRequested(RunSignal signal)
    {
        if (_active.TryGetValue(signal.RunId, out var a) && a.Slot.Pump is { } pump && pump.CancelRun(signal.RunId)) return;
        // Not executing here yet: if it is queued here it ends cancelled when its turn comes.
        if (ownership.TryGetLease(signal.FlowId, out _)) MarkCancelled(signal.RunId);
    }

    public void WakeRequested(FlowSignal signal)
    {
        // The inbox claims and enqueues; nothing to do for the supervisor.
    }

    /// <summary>Another instance changed the flow: converge to its stored state if the flow is this instance's.</summary>
    public void FlowChanged(FlowSignal signal)
    {
        if (!ownership.TryGetLease(signal.FlowId, out _)) return;
        _ = Task.Run(async () =>
        {
            try
            {
                await ConvergeAsync(signal.TenantId, signal.FlowId, _shutdown.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Flow {FlowId}: could not apply a change made through another instance", signal.FlowId);
            }
        });
    }

    private async Task ConvergeAsync(string tenantId, string flowId, CancellationToken ct)
    {
        var flow = await catalog.GetAsync(tenantId, flowId, ct).ConfigureAwait(false);
        if (flow is null)
        {
            await ForgetAsync(flowId).ConfigureAwait(false);
            return;
        }
        var here = _slots.TryGetValue(flowId, out var slot) && slot.Accepting;
        if (flow.Status is FlowStatuses.Running or FlowStatuses.Starting)
        {
            if (here) await ReloadAsync(slot!, ct).ConfigureAwait(false);
            else await StartAsync(flow, ct).ConfigureAwait(false);
        }
        else if (here && flow.Status is FlowStatuses.Stopped or FlowStatuses.Stopping)
        {
            await StopAsync(flowId, tenantId, ct).ConfigureAwait(false);
        }
    }
}
