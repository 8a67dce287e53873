using System.Diagnostics;
using Microsoft.Extensions.Hosting;

namespace Nextra.Modules.Observability;

/// <summary>Process-level gauges read at scrape time.</summary>
internal sealed class ProcessGauges(Metrics metrics) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        metrics.DefineGauge("nextra_pump_memory_bytes", "Memory of the process that runs every pump (working set, managed heap).", Memory);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static IEnumerable<(string, double)> Memory()
    {
        using var process = Process.GetCurrentProcess();
        return [("kind=\"working_set\"", process.WorkingSet64), ("kind=\"managed_heap\"", GC.GetTotalMemory(false))];
    }
}
