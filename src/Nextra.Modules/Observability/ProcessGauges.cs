using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;

namespace Nextra.Modules.Observability;

/// <summary>Process-level gauges read at scrape time: the memory of the process that runs every pump, and its limit.</summary>
internal sealed class ProcessGauges(Metrics metrics, ProcessMemory memory) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        metrics.Gauge("nextra_process_memory_bytes", "Memory of the process that runs every pump (working set, managed heap, limit).", Memory);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private IEnumerable<Measurement<double>> Memory()
    {
        using var process = Process.GetCurrentProcess();
        yield return new Measurement<double>(process.WorkingSet64, new KeyValuePair<string, object?>("kind", "working_set"));
        yield return new Measurement<double>(GC.GetTotalMemory(false), new KeyValuePair<string, object?>("kind", "managed_heap"));
        if (memory.LimitBytes() is { } limit) yield return new Measurement<double>(limit, new KeyValuePair<string, object?>("kind", "limit"));
    }
}
