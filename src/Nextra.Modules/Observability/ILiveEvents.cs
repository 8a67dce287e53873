namespace Nextra.Modules.Observability;

/// <summary>
/// The publish side of live events, called on pump threads (must not block). Every event is published whether or not
/// this process has a watcher: in hosted mode the watcher may be connected to another instance. Log lines are also
/// stored, so any instance can serve a flow's recent logs.
/// </summary>
public interface ILiveEvents
{
    void Publish(LiveEvent e);
}

/// <summary>
/// The delivery side: where published events end up in this process (the SignalR hub's groups, server-sent-event
/// log streams). Called on a background thread; must not block.
/// </summary>
public interface ILiveEventSink
{
    void Deliver(LiveEvent e);
}

/// <summary>Shorthands for publishing.</summary>
public static class LiveEventsExtensions
{
    public static void FlowStatus(this ILiveEvents events, string tenantId, string flowId, string status, string? error) =>
        events.Publish(new FlowStatusEvent(tenantId, flowId, status, error));

    public static void Log(this ILiveEvents events, string tenantId, string flowId, string level, string message, TimeProvider time) =>
        events.Publish(new LogEvent(tenantId, flowId, new Runs.LogLine(time.GetUtcNow(), level, message)));
}
