using Microsoft.Extensions.Logging;
using Nextra.Modules.Runs;
using Nextra.Modules.Common;

namespace Nextra.Modules.Observability;

/// <summary>
/// <see cref="ILiveEvents"/> in one process (embedded mode): stores log lines in the run history, then hands every
/// event to this process's sinks. A hosted backplane publishes to the other instances too and delivers what it
/// receives through <see cref="Deliver"/>. A failing sink is logged and skipped: live events are never needed for
/// correctness.
/// </summary>
[ModuleContract("the embedded implementation of a seam; the Cluster module's one switch selects it when no Redis is configured")]
public sealed class LiveEventBus(IEnumerable<ILiveEventSink> sinks, ITraceStore traces, ILogger<LiveEventBus> logger) : ILiveEvents
{
    private readonly ILiveEventSink[] _sinks = [.. sinks];

    public void Publish(LiveEvent e)
    {
        if (e is LogEvent log) traces.AppendLog(new FlowLogEntry(log.TenantId, log.FlowId, log.Line.At, log.Line.Level, log.Line.Message));
        Deliver(e);
    }

    /// <summary>Hands an event to this process's sinks.</summary>
    public void Deliver(LiveEvent e)
    {
        foreach (var sink in _sinks)
        {
            try
            {
                sink.Deliver(e);
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Live event sink {Sink} failed", sink.GetType().Name);
            }
        }
    }
}
