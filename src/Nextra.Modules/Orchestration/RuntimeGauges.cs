using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Nextra.Modules.Observability;

namespace Nextra.Modules.Orchestration;

/// <summary>Gauges read at scrape time from the flows this instance runs: flows by status, queue depths, memory per flow.</summary>
internal sealed class RuntimeGauges(Metrics metrics, FlowSupervisor supervisor) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        metrics.Gauge("nextra_flows_total", "Flows this server knows, by run-time status (asleep = running, idle-stopped).", FlowsByStatus);
        metrics.Gauge("nextra_queue_depth", "Messages waiting: in pump queues, in dispatch queues.", QueueDepths);
        metrics.Gauge("nextra_pump_memory_bytes", "Estimated memory a flow's pump holds (queued messages, active run records, thread registry), by flow.", MemoryByFlow);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private IEnumerable<Measurement<double>> QueueDepths()
    {
        var depths = supervisor.Depths();
        return [new(depths.Pump, new KeyValuePair<string, object?>("queue", "pump")), new(depths.Dispatch, new KeyValuePair<string, object?>("queue", "dispatch"))];
    }

    private IEnumerable<Measurement<double>> MemoryByFlow()
    {
        foreach (var slot in supervisor.Slots)
        {
            if (slot.Pump is { } pump)
                yield return new Measurement<double>(pump.EstimatedMemoryBytes, new KeyValuePair<string, object?>("flow_id", metrics.Flows.Tag(slot.FlowId)));
        }
    }

    private IEnumerable<Measurement<double>> FlowsByStatus()
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal)
        {
            [FlowStatuses.Running] = 0, ["asleep"] = 0, [FlowStatuses.Starting] = 0, [FlowStatuses.Stopping] = 0,
            [FlowStatuses.Error] = 0, [FlowStatuses.Stopped] = 0,
        };
        foreach (var slot in supervisor.Slots)
        {
            var key = slot.Status == FlowStatuses.Running && slot.Pump is null ? "asleep" : slot.Status;
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }
        return counts.Select(c => new Measurement<double>(c.Value, new KeyValuePair<string, object?>("status", c.Key)));
    }
}
