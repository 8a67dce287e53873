using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Nextra.Modules.Runs;
using Nextra.Pump.Runs;

namespace Nextra.Modules.Observability;

/// <summary>
/// Fans live events out to every <see cref="ILiveEventSink"/> and keeps each flow's recent log
/// lines (a ring buffer) plus the server-sent-event subscribers of <c>GET /api/flows/{id}/logs</c>.
/// A failing sink is logged and skipped; events are never required for correctness.
/// </summary>
public sealed class LiveEvents(IEnumerable<ILiveEventSink> sinks, TimeProvider time, ILogger<LiveEvents> logger)
{
    public const int RecentLines = 200;
    private readonly ILiveEventSink[] _sinks = [.. sinks];
    private readonly ConcurrentDictionary<string, FlowLog> _logs = new();

    public void FlowStatus(string tenantId, string flowId, string status, string? error)
    {
        Fan(s => s.FlowStatus(tenantId, flowId, status, error));
        Log(tenantId, flowId, error is null ? "info" : "error", error is null ? $"flow {status}" : $"flow {status}: {error}");
    }

    public void RunUpdated(string tenantId, RunSummary run) => Fan(s => s.RunUpdated(tenantId, run));

    public void StepUpdated(string tenantId, string flowId, string runId, RunStep step) => Fan(s => s.StepUpdated(tenantId, flowId, runId, step));

    public void Token(string tenantId, string flowId, string runId, int stepIndex, string listener, string text) =>
        Fan(s => s.Token(tenantId, flowId, runId, stepIndex, listener, text));

    public void Log(string tenantId, string flowId, string level, string message)
    {
        var line = new LogLine(time.GetUtcNow(), level, message);
        _logs.GetOrAdd(flowId, _ => new FlowLog()).Add(line);
        Fan(s => s.Log(tenantId, flowId, line));
    }

    /// <summary>The flow's most recent log lines, oldest first.</summary>
    public IReadOnlyList<LogLine> Recent(string flowId) => _logs.TryGetValue(flowId, out var log) ? log.Snapshot() : [];

    /// <summary>Subscribes to a flow's new log lines; dispose the returned handle to stop.</summary>
    public LogSubscription Subscribe(string flowId) => _logs.GetOrAdd(flowId, _ => new FlowLog()).Subscribe();

    private void Fan(Action<ILiveEventSink> send)
    {
        foreach (var sink in _sinks)
        {
            try
            {
                send(sink);
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Live event sink {Sink} failed", sink.GetType().Name);
            }
        }
    }

    private sealed class FlowLog
    {
        private readonly Lock _gate = new();
        private readonly Queue<LogLine> _recent = new();
        private readonly List<Channel<LogLine>> _subscribers = [];

        public void Add(LogLine line)
        {
            lock (_gate)
            {
                _recent.Enqueue(line);
                if (_recent.Count > RecentLines) _recent.Dequeue();
                // Bounded, drop-oldest: a slow SSE client loses lines rather than growing memory.
                foreach (var subscriber in _subscribers) subscriber.Writer.TryWrite(line);
            }
        }

        public IReadOnlyList<LogLine> Snapshot()
        {
            lock (_gate) return [.. _recent];
        }

        public LogSubscription Subscribe()
        {
            var channel = Channel.CreateBounded<LogLine>(new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.DropOldest });
            lock (_gate) _subscribers.Add(channel);
            return new LogSubscription(channel.Reader, () =>
            {
                lock (_gate) _subscribers.Remove(channel);
            });
        }
    }
}

/// <summary>A live feed of one flow's log lines.</summary>
public sealed class LogSubscription(ChannelReader<LogLine> reader, Action unsubscribe) : IDisposable
{
    public ChannelReader<LogLine> Reader { get; } = reader;
    public void Dispose() => unsubscribe();
}
