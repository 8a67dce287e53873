using System.Collections.Concurrent;
using System.Threading.Channels;
using Nextra.Modules.Runs;

namespace Nextra.Modules.Observability;

/// <summary>
/// The server-sent-event subscribers of <c>GET /api/flows/{id}/logs</c> connected to this process: a delivery sink
/// that writes each of a flow's new log lines to its subscribers' bounded queues (drop-oldest: a slow client loses
/// lines rather than growing memory).
/// </summary>
public sealed class LogStreams : ILiveEventSink
{
    private readonly ConcurrentDictionary<(string Tenant, string Flow), ImmutableChannels> _subscribers = new();

    public void Deliver(LiveEvent e)
    {
        if (e is not LogEvent log || !_subscribers.TryGetValue((log.TenantId, log.FlowId), out var list)) return;
        foreach (var channel in list.Channels) channel.Writer.TryWrite(log.Line);
    }

    /// <summary>Subscribes to a flow's new log lines; dispose the returned handle to stop.</summary>
    public LogSubscription Subscribe(string tenantId, string flowId)
    {
        var channel = Channel.CreateBounded<LogLine>(new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.DropOldest });
        var key = (tenantId, flowId);
        _subscribers.AddOrUpdate(key, _ => new ImmutableChannels([channel]), (_, l) => new ImmutableChannels([.. l.Channels, channel]));
        return new LogSubscription(channel.Reader, () =>
        {
            _subscribers.AddOrUpdate(key, _ => new ImmutableChannels([]), (_, l) => new ImmutableChannels([.. l.Channels.Where(c => c != channel)]));
            channel.Writer.TryComplete();
        });
    }

    private sealed record ImmutableChannels(Channel<LogLine>[] Channels);
}

/// <summary>A live feed of one flow's log lines.</summary>
public sealed class LogSubscription(ChannelReader<LogLine> reader, Action unsubscribe) : IDisposable
{
    public ChannelReader<LogLine> Reader { get; } = reader;
    public void Dispose() => unsubscribe();
}
