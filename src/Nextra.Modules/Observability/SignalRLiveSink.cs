using Microsoft.AspNetCore.SignalR;
using Nextra.Modules.Runs;
using Nextra.Pump.Runs;

namespace Nextra.Modules.Observability;

/// <summary>
/// Sends live events to the hub's tenant-scoped groups through the typed <see cref="EventsClient"/>,
/// fire-and-forget (a slow client never slows a pump), and not at all while no client is connected.
/// </summary>
internal sealed class SignalRLiveSink(IHubContext<EventsHub> hub, HubPresence presence) : ILiveEventSink
{
    public void FlowStatus(string tenantId, string flowId, string status, string? error)
    {
        if (presence.Anyone) Forget(To(EventsHub.TenantGroup(tenantId)).FlowStatus(flowId, status, error));
    }

    public void RunUpdated(string tenantId, RunSummary run)
    {
        if (presence.Anyone) Forget(To(EventsHub.FlowGroup(tenantId, run.FlowId), EventsHub.RunGroup(tenantId, run.RunId)).RunUpdated(run));
    }

    public void StepUpdated(string tenantId, string flowId, string runId, RunStep step)
    {
        if (presence.Anyone) Forget(To(EventsHub.FlowGroup(tenantId, flowId), EventsHub.RunGroup(tenantId, runId)).StepUpdated(runId, step));
    }

    public void Token(string tenantId, string flowId, string runId, int stepIndex, string listener, string text)
    {
        if (presence.Anyone) Forget(To(EventsHub.RunGroup(tenantId, runId)).Token(runId, stepIndex, listener, text));
    }

    public void Log(string tenantId, string flowId, LogLine line)
    {
        if (presence.Anyone) Forget(To(EventsHub.FlowGroup(tenantId, flowId)).Log(flowId, line));
    }

    private IEventsClient To(string group) => new EventsClient(hub.Clients.Group(group));

    private IEventsClient To(string group1, string group2) => new EventsClient(hub.Clients.Groups(group1, group2));

    private static void Forget(Task send)
    {
        if (!send.IsCompleted) send.ContinueWith(t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously);
        else _ = send.Exception;
    }
}
