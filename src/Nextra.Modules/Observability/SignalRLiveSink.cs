using Microsoft.AspNetCore.SignalR;

namespace Nextra.Modules.Observability;

/// <summary>
/// Delivers live events to the hub's tenant-scoped groups through the typed <see cref="EventsClient"/>,
/// fire-and-forget (a slow client never slows a pump), and not at all while no client is connected to this process
/// (the delivery side only: publishing never depends on it).
/// </summary>
internal sealed class SignalRLiveSink(IHubContext<EventsHub> hub, HubPresence presence) : ILiveEventSink
{
    public void Deliver(LiveEvent e)
    {
        if (!presence.Anyone) return;
        switch (e)
        {
            case FlowStatusEvent s:
                Forget(To(EventsHub.TenantGroup(s.TenantId)).FlowStatus(s.FlowId, s.Status, s.Error));
                break;
            case RunUpdatedEvent r:
                Forget(To(EventsHub.FlowGroup(r.TenantId, r.FlowId), EventsHub.RunGroup(r.TenantId, r.Run.RunId)).RunUpdated(r.Run));
                break;
            case StepUpdatedEvent s:
                Forget(To(EventsHub.FlowGroup(s.TenantId, s.FlowId), EventsHub.RunGroup(s.TenantId, s.RunId)).StepUpdated(s.RunId, s.Step));
                break;
            case TokenEvent t:
                Forget(To(EventsHub.RunGroup(t.TenantId, t.RunId)).Token(t.RunId, t.StepIndex, t.Listener, t.Text));
                break;
            case LogEvent l:
                Forget(To(EventsHub.FlowGroup(l.TenantId, l.FlowId)).Log(l.FlowId, l.Line));
                break;
        }
    }

    private IEventsClient To(string group) => new EventsClient(hub.Clients.Group(group));

    private IEventsClient To(string group1, string group2) => new EventsClient(hub.Clients.Groups(group1, group2));

    private static void Forget(Task send)
    {
        if (!send.IsCompleted) send.ContinueWith(t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously);
        else _ = send.Exception;
    }
}
