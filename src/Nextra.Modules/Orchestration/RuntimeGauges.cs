using Microsoft.Extensions.Hosting;
using Nextra.Modules.Observability;

namespace Nextra.Modules.Orchestration;

/// <summary>Gauges read at scrape time from the flows this instance runs: flows by status, queue depths.</summary>
internal sealed class RuntimeGauges(Metrics metrics, FlowSupervisor supervisor) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        metrics.DefineGauge("nextra_flows_total", "Flows this server knows, by run-time status (asleep = running, idle-stopped).", FlowsByStatus);
        metrics.DefineGauge("nextra_queue_depth", "Messages waiting: in pump queues, in dispatch queues.", () =>
        {
            var depths = supervisor.Depths();
            return [("queue=\"pump\"", depths.Pump), ("queue=\"dispatch\"", depths.Dispatch)];
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private IEnumerable<(string, double)> FlowsByStatus()
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
        return counts.Select(c => (Metrics.Labels(("status", c.Key)), (double)c.Value));
    }
}
